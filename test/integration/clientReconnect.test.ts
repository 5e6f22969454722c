/** A client whose connection drops keeps its place for a grace period (CLIENT_RECONNECT_GRACE_SECONDS). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { join, openRoom } from '../helpers/signalingRoom.ts';
import { WsClient } from '../helpers/wsClient.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ CLIENT_RECONNECT_GRACE_SECONDS: '1', RECONCILE_INTERVAL_SECONDS: '0.5' });
});
afterAll(async () => {
  await stack?.stop();
});

it('a client whose connection drops stays for the grace period, resumes on reconnect, and leaves if it does not come back', async () => {
  const room = await openRoom(stack, 'drop-client-room');
  const keeper = setInterval(() => room.sfu.send({ action: 'keepalive' }), 400);
  try {
    const alice = await join(stack, 'drop-client-room');
    const bob = await join(stack, 'drop-client-room');
    const bobKeeper = setInterval(() => bob.ws.send({ action: 'keepalive' }), 400);
    try {
      // the gateway drops Alice (1001); she reconnects at once with the same token and id
      alice.ws.socket.terminate();
      await alice.ws.closed;
      const again = await WsClient.connect(stack.wsUrl, alice.token);
      again.send({ action: 'identify', data: { id: alice.id, roomId: room.roomId, type: 'client' } });
      expect((await again.nextOfType('identified')).resumed).toBe(true);
      await new Promise((r) => setTimeout(r, 2500)); // past the grace and a sweep
      expect(bob.ws.frames.filter((f) => f.type === 'event' && f.event.type === 'ParticipantLeftEvent')).toEqual([]);
      expect(room.sfu.frames.filter((f) => f.type === 'leave')).toEqual([]);

      // dropped again, and this time she does not come back: she leaves after the grace
      again.socket.terminate();
      const left = await bob.ws.nextEvent('ParticipantLeftEvent', 10_000);
      expect(left.event).toMatchObject({ participantId: alice.id });
      expect(await room.sfu.nextOfType('leave')).toEqual({ type: 'leave', sender: alice.id });
    } finally {
      clearInterval(bobKeeper);
    }
  } finally {
    clearInterval(keeper);
  }
});

it('keeps the open-connections gauge behind the dashboard: +1 per connect, -1 per disconnect or replaced connection', async () => {
  const { LIVE_CONNECTIONS_COUNTER } = await import('../../lambdas/core/rooms/roomRepository.ts');
  const gauge = () => stack.deps().roomRepository.counter(LIVE_CONNECTIONS_COUNTER);
  const settle = async (expected: number) => {
    for (let i = 0; i < 50 && (await gauge()) !== expected; i++) await new Promise((r) => setTimeout(r, 100));
    return gauge();
  };
  const base = await gauge();
  const room = await openRoom(stack, 'gauge-room');
  const alice = await join(stack, 'gauge-room');
  expect(await settle(base + 2)).toBe(base + 2);
  const again = await WsClient.connect(stack.wsUrl, alice.token); // the same peer on a second connection
  again.send({ action: 'identify', data: { id: alice.id, roomId: room.roomId, type: 'client' } });
  await again.nextOfType('identified');
  await alice.ws.closed; // the old one was replaced and closed
  expect(await settle(base + 2)).toBe(base + 2);
  await again.close();
  await room.sfu.close();
  expect(await settle(base)).toBe(base);
});
