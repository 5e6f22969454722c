/** Claims are atomic and idempotent under concurrency (DESIGN.md section 4). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ MAX_ROOMS: '30' });
});
afterAll(async () => {
  await stack?.stop();
});

async function makeAvailable(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await call(stack.url, 'PUT', '/createRoom');
    expect(res.status).toBe(200);
    ids.push(res.body.roomId as string);
  }
  for (const id of ids) expect(await stack.deps().rooms.markAvailable(id)).toBe(true);
  return ids;
}

it('40 concurrent claims of distinct paths with 5 rooms available: exactly 5 win, 5 distinct rooms, the rest 404', async () => {
  const available = await makeAvailable(5);
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => call(stack.url, 'PATCH', '/claimRoom', { urlPath: `race-${i}` })),
  );
  const won = results.filter((r) => r.status === 200);
  const lost = results.filter((r) => r.status === 404);
  expect(won).toHaveLength(5);
  expect(lost).toHaveLength(35);
  expect(lost.every((r) => r.body.message === 'Room not found')).toBe(true);
  const ids = won.map((r) => r.body.roomId as string);
  expect(new Set(ids).size).toBe(5);
  expect([...ids].sort()).toEqual([...available].sort());
  // every winning path resolves to its own room
  for (const [i, r] of results.entries()) {
    if (r.status !== 200) continue;
    expect((await call(stack.url, 'GET', `/getRoomId?urlPath=race-${i}`)).body.roomId).toBe(r.body.roomId);
  }
});

it('20 concurrent claims of one path all get the same room, and getRoomId agrees', async () => {
  await makeAvailable(3);
  const results = await Promise.all(
    Array.from({ length: 20 }, () => call(stack.url, 'PATCH', '/claimRoom', { urlPath: 'one-path' })),
  );
  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  const ids = new Set(results.map((r) => r.body.roomId));
  expect(ids.size).toBe(1);
  const resolved = await call(stack.url, 'GET', '/getRoomId?urlPath=one-path');
  expect(resolved.body.roomId).toBe([...ids][0]);
  // the two rooms not taken are still available
  const stillAvailable = await stack.deps().roomRepository.listByStatus('AVAILABLE', 10);
  expect(stillAvailable).toHaveLength(2);
});
