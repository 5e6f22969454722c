/** The user endpoint schemas: bounds, event rules, per-field 400 messages, and identify staying as it was for room peers. */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  anyIdentifyDataSchema,
  fieldIssues,
  firstIssueMessage,
  registerEndpointBodySchema,
  sendEventBodySchema,
} from '../../protocol/index.ts';

const fields = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input);
  return parsed.success ? 'ok' : fieldIssues(parsed.error);
};

describe('registerEndpointBodySchema', () => {
  it('takes keepAliveSeconds from 5 to 3600, whole', () => {
    for (const ok of [5, 60, 3600]) expect(fields(registerEndpointBodySchema, { keepAliveSeconds: ok })).toBe('ok');
    for (const bad of [4, 3601, 0, -5, 7.5, '60', null]) expect(fields(registerEndpointBodySchema, { keepAliveSeconds: bad })).toHaveProperty('keepAliveSeconds');
  });

  it('reports every bad field at once, and unknown fields by name', () => {
    expect(fields(registerEndpointBodySchema, { userEndpointId: 'a/b', serverKeepAliveReminderOn: 1, x: 1, y: 2 })).toEqual({
      keepAliveSeconds: 'keepAliveSeconds is required',
      userEndpointId: expect.any(String),
      serverKeepAliveReminderOn: 'serverKeepAliveReminderOn must be true or false',
      x: 'unknown field',
      y: 'unknown field',
    });
  });
});

describe('sendEventBodySchema', () => {
  const body = (event: Record<string, unknown>) => ({ userId: 'u', event: { timestamp: '2026-03-01T10:00:00Z', type: 'CallingEvent', ...event } });

  it('takes camel-case types that start with a capital and end in Event', () => {
    for (const type of ['CallingEvent', 'UserEndpointKeepAliveReminderEvent', 'A1Event']) expect(fields(sendEventBodySchema, body({ type }))).toBe('ok');
    for (const type of ['callingEvent', 'Calling', 'Calling_Event', 'Calling-Event', 'Event', 'CallingEvents', '']) {
      expect(fields(sendEventBodySchema, body({ type })), type).toHaveProperty(['event.type']);
    }
  });

  it('takes ISO-8601 instants only (with Z or an offset)', () => {
    for (const timestamp of ['2026-03-01T10:00:00Z', '2026-03-01T10:00:00.123Z', '2026-03-01T12:00:00+02:00']) {
      expect(fields(sendEventBodySchema, body({ timestamp })), timestamp).toBe('ok');
    }
    for (const timestamp of ['2026-03-01', '2026-03-01T10:00:00', 'yesterday', 1700000000]) {
      expect(fields(sendEventBodySchema, body({ timestamp })), String(timestamp)).toHaveProperty(['event.timestamp']);
    }
  });

  it('keeps the event\'s own fields', () => {
    const parsed = sendEventBodySchema.parse(body({ roomUrl: 'https://x/y', nested: { a: [1] } }));
    expect(parsed.event).toMatchObject({ roomUrl: 'https://x/y', nested: { a: [1] } });
  });
});

describe('anyIdentifyDataSchema', () => {
  it('adds {type: endpoint, id} and keeps the room peers\' messages', () => {
    expect(fields(anyIdentifyDataSchema, { type: 'endpoint', id: 'tab-1' })).toBe('ok');
    expect(fields(anyIdentifyDataSchema, { type: 'client', id: 'p', roomId: 'r' })).toBe('ok');
    const message = (input: unknown) => {
      const parsed = anyIdentifyDataSchema.safeParse(input);
      return parsed.success ? 'ok' : firstIssueMessage(parsed.error);
    };
    expect(message({ id: 'a', roomId: 'r' })).toBe('Missing valid type property');
    expect(message({ id: 'a', roomId: 'r', type: 'janus' })).toBe('Missing valid type property');
    expect(message({ id: 'a', type: 'client' })).toBe('missing roomId');
    expect(message({ type: 'endpoint' })).toBe('userEndpointId is required');
  });
});
