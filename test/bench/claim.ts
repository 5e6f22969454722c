/**
 * npm run bench:claim — p50/p95/p99 of getRoomId and claimRoom over the local gateway (real HTTP,
 * API Gateway events, DynamoDB Local), with 100 and with 5,000 rooms in the table, and their ratio.
 * Sequential requests: this measures latency, not throughput.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { call, startStack } from '../helpers/localStack.ts';
import { batchPut, documentClient } from './seed.ts';
import { ms, summary } from './stats.ts';

const GETS = 1000;
const CLAIMS = 300;
const WARMUP = 50;

async function measure(rooms: number) {
  const stack = await startStack({ WARM_ROOMS: '0', MAX_ROOMS: '10000' });
  try {
    const db = documentClient(stack.dynamoDbEndpoint);
    const now = new Date().toISOString();
    // the table: a quarter of the rooms CLAIMED (with paths), the rest AVAILABLE or CLOSED
    const items = Array.from({ length: rooms }, (_, i) => ({
      roomId: randomUUID(),
      sfuId: randomUUID(),
      status: i % 4 === 0 ? 'CLAIMED' : i % 4 === 1 ? 'CLOSED' : 'AVAILABLE',
      createdAt: new Date(Date.now() - i * 1000).toISOString(),
      updatedAt: now,
      version: 1,
      ...(i % 4 === 0 && { urlPath: `seeded-${i}` }),
    }));
    await batchPut(db, 'local-rooms', items);
    const claimed = items.filter((r) => r.urlPath);
    await batchPut(db, 'local-paths', claimed.map((r) => ({ urlPath: r.urlPath, roomId: r.roomId, claimedAt: now })));
    const available = items.filter((r) => r.status === 'AVAILABLE').length;

    const get = async () => {
      const room = claimed[Math.floor(Math.random() * claimed.length)]!;
      const t = performance.now();
      const res = await call(stack.url, 'GET', `/getRoomId?urlPath=${room.urlPath}`);
      const elapsed = performance.now() - t;
      if (res.status !== 200) throw new Error(`getRoomId ${res.status}`);
      return elapsed;
    };
    for (let i = 0; i < WARMUP; i++) await get();
    const gets: number[] = [];
    for (let i = 0; i < GETS; i++) gets.push(await get());

    // claims of new paths; each claimed room is put back to AVAILABLE (untimed) so the table keeps its size
    const claims: number[] = [];
    for (let i = 0; i < CLAIMS + WARMUP; i++) {
      const urlPath = `bench-${i}`;
      const t = performance.now();
      const res = await call(stack.url, 'PATCH', '/claimRoom', { urlPath });
      const elapsed = performance.now() - t;
      if (res.status !== 200) throw new Error(`claimRoom ${res.status} ${JSON.stringify(res.body)}`);
      if (i >= WARMUP) claims.push(elapsed);
      const roomId = res.body.roomId as string;
      await db.send(new DeleteCommand({ TableName: 'local-paths', Key: { urlPath } }));
      await db.send(
        new UpdateCommand({
          TableName: 'local-rooms',
          Key: { roomId },
          UpdateExpression: 'SET #s = :a REMOVE urlPath',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':a': 'AVAILABLE' },
        }),
      );
    }
    db.destroy();
    return { rooms, available, get: summary(gets), claim: summary(claims) };
  } finally {
    await stack.stop();
  }
}

const small = await measure(100);
const large = await measure(5000);
console.log('\nbench:claim — sequential requests over the local gateway (HTTP -> payload 2.0 event -> handler -> DynamoDB Local)');
console.log('rooms in table | route       |    n |      p50 |      p95 |      p99');
for (const r of [small, large]) {
  for (const [name, s] of [['getRoomId', r.get], ['claimRoom', r.claim]] as const) {
    console.log(`${String(r.rooms).padStart(14)} | ${name.padEnd(11)} | ${String(s.n).padStart(4)} | ${ms(s.p50).padStart(8)} | ${ms(s.p95).padStart(8)} | ${ms(s.p99).padStart(8)}`);
  }
}
console.log(`ratio 5000/100 at p50: getRoomId ${(large.get.p50 / small.get.p50).toFixed(2)}, claimRoom ${(large.claim.p50 / small.claim.p50).toFixed(2)}`);
console.log(`ratio 5000/100 at p95: getRoomId ${(large.get.p95 / small.get.p95).toFixed(2)}, claimRoom ${(large.claim.p95 / small.claim.p95).toFixed(2)}`);
