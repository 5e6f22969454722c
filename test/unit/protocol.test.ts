import { describe, expect, it } from 'vitest';
import {
  claimRoomBodySchema,
  createCallUrlBodySchema,
  firstIssueMessage,
  handshakeDataSchema,
  identifyDataSchema,
  listCallsQuerySchema,
  roomMessageDataSchema,
} from '../../protocol/index.ts';

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

  it('handshake video views, dominant speaker and quality: checked, bounded', () => {
    const base = { type: 'consumer', sender: 'a', roomId: 'r' };
    const view = { peerId: 'b', source: 'camera', width: 320, height: 180, visible: true };
    expect(handshakeDataSchema.parse({ ...base, videoViews: [view] }).videoViews).toEqual([view]);
    expect(message(handshakeDataSchema, { ...base, videoViews: [{ ...view, source: 'mic' }] })).toMatch(/camera" or "screen/);
    expect(message(handshakeDataSchema, { ...base, videoViews: [{ ...view, width: -1 }] })).toMatch(/videoViews/);
    expect(message(handshakeDataSchema, { ...base, videoViews: [{ ...view, extra: 1 }] })).toMatch(/extra/);
    expect(message(handshakeDataSchema, { ...base, videoViews: Array.from({ length: 65 }, () => view) })).toMatch(/at most 64/);
    expect(handshakeDataSchema.parse({ ...base, dominantSpeaker: null }).dominantSpeaker).toBeNull();
    expect(message(handshakeDataSchema, { ...base, dominantSpeaker: 'not a peer!' })).toMatch(/dominantSpeaker/);
    expect(message(handshakeDataSchema, { ...base, quality: { sendKbps: -5, recvKbps: 1 } })).toBeDefined();
  });

  it('room messages: chat text bounds, features strict', () => {
    expect(message(roomMessageDataSchema, { kind: 'chat', text: 'hi' })).toBe('ok');
    expect(message(roomMessageDataSchema, { kind: 'chat', text: '' })).toBe('chat text is empty');
    expect(message(roomMessageDataSchema, { kind: 'features', features: { audioMuted: true } })).toBe('ok');
    expect(message(roomMessageDataSchema, { kind: 'features', features: { handRaised: true } })).toBe('ok');
    expect(message(roomMessageDataSchema, { kind: 'features', features: { handRaised: 1 } })).not.toBe('ok');
    expect(message(roomMessageDataSchema, { kind: 'features', features: { audioMuted: 'yes' } })).not.toBe('ok');
    expect(message(roomMessageDataSchema, { kind: 'features', features: { admin: true } })).not.toBe('ok');
  });

  it('call URLs: Loop\'s field names, a trimmed remote_id, whole seconds', () => {
    expect(createCallUrlBodySchema.parse({ remote_id: '  alice@example.com ', valid_duration: 3600 })).toEqual({ remote_id: 'alice@example.com', valid_duration: 3600 });
    expect(message(createCallUrlBodySchema, { remoteId: 'alice', valid_duration: 3600 })).toBe('missing remote_id');
    expect(message(createCallUrlBodySchema, { remote_id: 'alice', validDuration: 3600 })).toBe('missing valid_duration');
    expect(message(createCallUrlBodySchema, { remote_id: 'alice', valid_duration: 2_592_000 })).toBe('ok');
  });

  it('GET /calls query: a comma-separated status list (spaces and empty items ignored) and a numeric limit', () => {
    expect(listCallsQuerySchema.parse({ status: 'ringing, missed,', limit: '20' })).toEqual({ status: ['ringing', 'missed'], limit: 20 });
    expect(listCallsQuerySchema.parse({})).toEqual({});
    expect(message(listCallsQuerySchema, { status: 'ringing,later' })).toMatch(/comma-separated list of ringing, accepted, declined, missed, cancelled/);
    expect(message(listCallsQuerySchema, { limit: '2.5' })).toBe('limit must be a whole number');
  });
});
