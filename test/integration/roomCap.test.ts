/** createRoom's cap (429), a failed RunTask (500, nothing left behind), and a broken server (500). */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';

describe('room cap', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ MAX_ROOMS: '2' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 429 with a clear message past MAX_ROOMS and starts nothing more; closing a room frees a place', async () => {
    const a = await call(stack.url, 'PUT', '/createRoom');
    const b = await call(stack.url, 'PUT', '/createRoom');
    expect([a.status, b.status]).toEqual([200, 200]);
    const before = await stack.snapshot();
    const over = await call(stack.url, 'PUT', '/createRoom');
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/Room limit reached: 2 rooms/);
    expect(over.headers.get('retry-after')).toBe('30');
    expect(await stack.snapshot()).toEqual(before);

    await stack.deps().rooms.closeRoom(a.body.roomId as string, 'test');
    const again = await call(stack.url, 'PUT', '/createRoom');
    expect(again.status).toBe(200);
  });

  it('concurrent createRoom calls never exceed the cap', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => call(stack.url, 'PUT', '/createRoom')));
    expect(results.every((r) => r.status === 429)).toBe(true);
    expect(await stack.deps().roomRepository.liveRoomCount()).toBe(2);
  });
});

describe('failed RunTask', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ SFU_TASK_DEFINITION: 'not-registered' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 500 Failed to start task. and leaves no STARTING room and no count behind', async () => {
    const res = await call(stack.url, 'PUT', '/createRoom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Failed to start task.' });
    const tables = await stack.snapshot();
    expect(tables.rooms).toEqual([]);
    expect(await stack.deps().roomRepository.liveRoomCount()).toBe(0);
  });

  it('answers 500 Something broke on the server when the database is gone', async () => {
    const port = new URL(stack.dynamoDbEndpoint).port;
    const pids = execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`]).toString().trim().split('\n');
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    const res = await call(stack.url, 'GET', '/getRoomId?urlPath=anything');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Something broke on the server' });
  });
});
