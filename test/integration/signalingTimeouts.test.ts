/** API Gateway's idle and maximum connection times (shortened), and the SFU reconnect grace. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { join, openRoom } from '../helpers/signalingRoom.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    WS_IDLE_SECONDS: '1.5',
    WS_MAX_SECONDS: '4',
    SFU_RECONNECT_GRACE_SECONDS: '1',
    CLIENT_RECONNECT_GRACE_SECONDS: '1',
    RECONCILE_INTERVAL_SECONDS: '0.5',
  });
});
afterAll(async () => {
  await stack?.stop();
});

it('an idle connection is closed (1001) and leaves its room; keepalive frames keep one open until the 2-hour limit', async () => {
  const room = await openRoom(stack, 'idle-room');
  const keeper = setInterval(() => room.sfu.send({ action: 'keepalive' }), 400);
  try {
    const idle = await join(stack, 'idle-room');
    const busy = await join(stack, 'idle-room');
    const busyKeeper = setInterval(() => busy.ws.send({ action: 'keepalive' }), 400);
    try {
      expect((await idle.ws.closed).code).toBe(1001);
      expect((await busy.ws.nextEvent('ParticipantLeftEvent')).event).toMatchObject({ participantId: idle.id });
      // the busy one outlives the idle timeout, but not the maximum connection time
      expect(busy.ws.socket.readyState).toBe(busy.ws.socket.OPEN);
      expect((await busy.ws.closed).code).toBe(1001);
    } finally {
      clearInterval(busyKeeper);
    }
  } finally {
    clearInterval(keeper);
  }
});

it('a room whose SFU dropped and did not come back within the grace is closed, and its clients are told', async () => {
  const room = await openRoom(stack, 'abandoned-room');
  const alice = await join(stack, 'abandoned-room');
  const keeper = setInterval(() => alice.ws.send({ action: 'keepalive' }), 400);
  try {
    room.sfu.socket.terminate(); // the SFU vanishes without a close frame
    const closed = await alice.ws.nextEvent('RoomClosedEvent', 15_000);
    expect(closed.event).toMatchObject({ roomId: room.roomId, reason: 'the SFU did not reconnect' });
    expect((await stack.deps().roomRepository.getRoom(room.roomId))?.status).toBe('CLOSED');
  } finally {
    clearInterval(keeper);
  }
});

