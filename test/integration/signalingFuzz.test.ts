/**
 * Property test: malformed and hostile frames at every WebSocket route, from an unidentified
 * connection, an identified client and the room's SFU. Never a 5xx, never a crash, no state change.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ErrorFrame } from '../../protocol/index.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
import { join, openRoom, type TestRoom } from '../helpers/signalingRoom.ts';
import { WsClient } from '../helpers/wsClient.ts';

let stack: TestStack;
let room: TestRoom;

beforeAll(async () => {
  stack = await startStack();
  room = await openRoom(stack, 'fuzz-room');
});
afterAll(async () => {
  await stack?.stop();
});

const SENTINEL = 'fuzz-sentinel';
const actions = fc.constantFrom('identify', 'handshake', 'message', 'keepalive', '$connect', '$disconnect', '$default', 'ack', '', 'IDENTIFY');
const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom('', ' ', '\u0000', '../../etc/passwd', '<script>', 'x'.repeat(5000), '🙂', 'sfu', 'client', '__proto__', 'constructor'),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  hostileString,
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}, { __proto__: { polluted: true } }),
);
/** Frames that look almost right: a real action with a data object of plausible and implausible fields. */
const plausibleData = fc.record(
  {
    id: hostileString,
    roomId: fc.oneof(hostileString, fc.constant('ROOM')),
    type: fc.constantFrom('client', 'sfu', 'producer', 'consumer', 'endpoint', 1, null),
    sender: fc.oneof(hostileString, fc.constant('SELF')),
    receiver: hostileString,
    description: fc.oneof(hostileValue, fc.record({ type: fc.constantFrom('offer', 'answer', 'bogus'), sdp: hostileString })),
    candidate: fc.oneof(hostileValue, fc.record({ candidate: hostileString, sdpMid: hostileValue, sdpMLineIndex: hostileValue })),
    kind: fc.constantFrom('chat', 'features', 'other'),
    text: hostileValue,
    features: fc.oneof(hostileValue, fc.record({ audioMuted: hostileValue, extra: hostileValue })),
  },
  { requiredKeys: [] },
);
const frame = fc.oneof(
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'undefined') },
  { weight: 4, arbitrary: fc.record({ action: actions, data: fc.oneof(plausibleData, hostileValue) }, { requiredKeys: ['action'] }).map((f) => JSON.stringify(f)) },
);

async function expectNo5xx(ws: WsClient, raw: string, substitute: (s: string) => string): Promise<void> {
  ws.send(substitute(raw));
  // frames of one connection are handled in order: the sentinel's error marks the end of this one's
  ws.send({ action: SENTINEL });
  await ws.next((f) => f.type === 'error' && f.action === SENTINEL, 10_000, 'sentinel');
  const errors = ws.frames.splice(0).filter((f): f is ErrorFrame => f.type === 'error');
  for (const e of errors) {
    expect(e.status, `${raw.slice(0, 200)} -> ${e.message}`).toBeGreaterThanOrEqual(400);
    expect(e.status, `${raw.slice(0, 200)} -> ${e.message}`).toBeLessThan(500);
  }
}

it('hostile frames from every kind of sender: only 4xx, no state change, the room still works', async () => {
  const alice = await join(stack, 'fuzz-room');
  const res = await call(stack.url, 'GET', '/getRoomId?urlPath=fuzz-room');
  const stranger = await WsClient.connect(stack.wsUrl, (res.body as { token: string }).token); // never identifies
  const keepAlive = setInterval(() => {
    room.sfu.send({ action: 'keepalive' });
  }, 5000);
  const substitute = (s: string) => s.replaceAll('"ROOM"', JSON.stringify(room.roomId)).replaceAll('"SELF"', JSON.stringify(alice.id));
  const before = await stack.snapshot();
  // ignore the frames from setting up
  alice.ws.frames.splice(0);
  room.sfu.frames.splice(0);
  try {
    for (const sender of [stranger, alice.ws, room.sfu]) {
      await fc.assert(
        fc.asyncProperty(frame, async (raw) => {
          await expectNo5xx(sender, raw, substitute);
        }),
        { numRuns: 120 },
      );
    }
  } finally {
    clearInterval(keepAlive);
  }
  const after = await stack.snapshot();
  // features with all fields valid would be a legitimate change; the generator cannot produce one
  // that passes the schema with a different value, so the tables are exactly as they were
  expect(after.rooms).toEqual(before.rooms);
  expect(after.paths).toEqual(before.paths);
  expect(after.peers).toEqual(before.peers);
  expect(after.connections).toEqual(before.connections);

  // and the room still works for everyone
  const bob = await join(stack, 'fuzz-room');
  expect((await alice.ws.nextEvent('ParticipantJoinedEvent')).event).toMatchObject({ participant: { id: bob.id } });
  alice.ws.send({ action: 'handshake', data: { type: 'producer', sender: alice.id, roomId: room.roomId } });
  expect((await room.sfu.nextOfType('handshake')).data.sender).toBe(alice.id);
  await Promise.all([alice.ws.close(), bob.ws.close(), stranger.close()]);
});
