/**
 * API Gateway's idle and maximum connection times (shortened), the SFU reconnect grace, and rooms
 * whose server goes away: a task that stops, an SFU that closes as going away.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SFU_GOING_AWAY_CLOSE_CODE } from '../../protocol/index.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
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
    expect(closed.event).toMatchObject({ roomId: room.roomId, reason: 'the SFU did not reconnect', cause: 'server-gone' });
    expect((await stack.deps().roomRepository.getRoom(room.roomId))?.status).toBe('CLOSED');
  } finally {
    clearInterval(keeper);
  }
});


/** Pids of the processes of a room's task (the idle fixture task and its child here), oldest first. */
function taskPids(roomId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`ROOM_ID=${roomId}`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids.sort((a, b) => a - b);
}

it('a room whose task dies is closed at once (the task-stopped event), its clients told the server is gone', async () => {
  const room = await openRoom(stack, 'dead-task-room');
  const alice = await join(stack, 'dead-task-room');
  // the task is running, but its process may not have started its own child yet (nothing to wait on but /proc)
  for (let i = 0; i < 100 && taskPids(room.roomId).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  const [pid, ...rest] = taskPids(room.roomId);
  expect(pid).toBeGreaterThan(0);
  expect(rest).toHaveLength(1); // the fixture task's own child
  process.kill(pid!, 'SIGKILL'); // the task process dies; its (test) SFU connection is still up
  const closed = await alice.ws.nextEvent('RoomClosedEvent', 15_000);
  expect(closed.event).toMatchObject({ roomId: room.roomId, cause: 'server-gone' });
  expect((closed.event as { reason: string }).reason).toMatch(/^its server stopped/);
  const after = await stack.deps().roomRepository.getRoom(room.roomId);
  expect(after?.status).toBe('CLOSED');
  // as in ECS, the rest of the task went with its essential container
  for (let i = 0; i < 100 && taskPids(room.roomId).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(taskPids(room.roomId)).toEqual([]);
  // the path is free: the URL gets a new room
  expect((await call(stack.url, 'GET', '/getRoomId?urlPath=dead-task-room')).status).toBe(404);
  // a second state change of the same task (a retried event) changes nothing
  expect(await stack.deps().signaling.closeRoomOfStoppedTask(after!.taskArn!, `room-${room.roomId}`, 'again')).toBe(false);
  // nor does an event for a task that is not the room's
  const other = await openRoom(stack, 'other-task-room');
  expect(await stack.deps().signaling.closeRoomOfStoppedTask('arn:aws:ecs:us-east-1:000000000000:task/x/y', `room-${other.roomId}`, 'x')).toBe(false);
  expect((await stack.deps().roomRepository.getRoom(other.roomId))?.status).toBe('CLAIMED');
  await Promise.all([alice.ws.close(), room.sfu.close(), other.sfu.close()]);
});

// An SFU closes with 1000 only when its room idled out: a client in the room then joined just as it
// did (the SFU had not heard of it yet), and is to join the URL again rather than be told the call ended.
it('an SFU that closes as going away, or on purpose (idle) with someone in its room, closes the room with cause server-gone', async () => {
  for (const [code, cause] of [
    [SFU_GOING_AWAY_CLOSE_CODE, 'server-gone'],
    [1000, 'server-gone'],
  ] as const) {
    const room = await openRoom(stack, `sfu-close-${code}`);
    const alice = await join(stack, `sfu-close-${code}`);
    await room.sfu.close(code);
    expect((await alice.ws.nextEvent('RoomClosedEvent', 15_000)).event).toMatchObject({ roomId: room.roomId, cause });
    await alice.ws.close();
  }
});
