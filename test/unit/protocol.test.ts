import { describe, expect, it } from 'vitest';
import { claimRoomBodySchema, firstIssueMessage, handshakeDataSchema, identifyDataSchema, roomMessageDataSchema } from '../../protocol/index.ts';

const message = (schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? 'ok' : firstIssueMessage(parsed.error as never);
};

describe('protocol schemas', () => {
  it('urlPath: missing, wrong type, bad characters, too long', () => {
    expect(message(claimRoomBodySchema, {})).toBe('missing urlPath');
    expect(message(claimRoomBodySchema, { urlPath: '' })).toBe('missing urlPath');
    expect(message(claimRoomBodySchema, { urlPath: 7 })).toBe('urlPath must be a string');
    expect(message(claimRoomBodySchema, { urlPath: 'a/b' })).toMatch(/1-64 characters/);
    expect(message(claimRoomBodySchema, { urlPath: 'a'.repeat(64) })).toBe('ok');
    expect(message(claimRoomBodySchema, { urlPath: 'a'.repeat(65) })).toMatch(/1-64 characters/);
  });

  it('identify needs a valid type', () => {
    expect(message(identifyDataSchema, { id: 'a', roomId: 'r' })).toBe('Missing valid type property');
    expect(message(identifyDataSchema, { id: 'a', roomId: 'r', type: 'endpoint' })).toBe('Missing valid type property');
    expect(message(identifyDataSchema, { id: 'a', roomId: 'r', type: 'sfu' })).toBe('ok');
  });

  it('handshake keeps unknown fields (relayed as sent) but checks the known ones', () => {
    const parsed = handshakeDataSchema.parse({ type: 'producer', sender: 'a', roomId: 'r', extra: { x: 1 } });
    expect(parsed).toEqual({ type: 'producer', sender: 'a', roomId: 'r', extra: { x: 1 } });
    expect(message(handshakeDataSchema, { type: 'producer', sender: 'a', roomId: 'r', description: { type: 'nope' } })).toMatch(/offer or answer/);
    expect(message(handshakeDataSchema, { type: 'producer', sender: 'a', roomId: 'r', candidate: { candidate: 'x'.repeat(2000) } })).toMatch(/too long/);
  });

  it('room messages: chat text bounds, features strict', () => {
    expect(message(roomMessageDataSchema, { kind: 'chat', text: 'hi' })).toBe('ok');
    expect(message(roomMessageDataSchema, { kind: 'chat', text: '' })).toBe('chat text is empty');
    expect(message(roomMessageDataSchema, { kind: 'features', features: { audioMuted: true } })).toBe('ok');
    expect(message(roomMessageDataSchema, { kind: 'features', features: { audioMuted: 'yes' } })).not.toBe('ok');
    expect(message(roomMessageDataSchema, { kind: 'features', features: { admin: true } })).not.toBe('ok');
  });
});
