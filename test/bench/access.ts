/**
 * npm run bench:access — latency of the access-control paths over the local gateway (real HTTP,
 * API Gateway events, DynamoDB Local): the OAuth token endpoint (scrypt-checked secret), a
 * service-token call (JWT check + client revocation read), ticket creation and ticket redemption.
 * Sequential requests: latency, not throughput.
 */
import type { Principal } from '../../lambdas/core/auth/principal.ts';
import { call, startStack } from '../helpers/localStack.ts';
import { openRoom } from '../helpers/signalingRoom.ts';
import { ms, summary } from './stats.ts';

const N = 200;
const WARMUP = 20;

async function timed(what: string, run: () => Promise<{ status: number }>, expected: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const t = performance.now();
    const res = await run();
    const elapsed = performance.now() - t;
    if (res.status !== expected) throw new Error(`${what}: ${res.status}`);
    if (i >= WARMUP) samples.push(elapsed);
  }
  return samples;
}

const stack = await startStack({ WARM_ROOMS: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' });
try {
  const room = await openRoom(stack, 'bench-access');
  const client = await stack.deps().clientAdmin.create('bench', ['rooms:admin']);
  const form = `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`;
  const tokenHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
  const token = (await call(stack.url, 'POST', '/security/oauth/token', form, tokenHeaders)).body.access_token as string;
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const principal: Principal = { kind: 'participant', subject: room.creator.peerId, roomId: room.roomId, via: 'url' };
  const bigTicket = await stack.deps().tickets.create(principal, { roomId: room.roomId, validSeconds: 3600 }, stack.url);

  const rows: [string, number[]][] = [
    ['POST /security/oauth/token', await timed('token', () => call(stack.url, 'POST', '/security/oauth/token', form, tokenHeaders), 200)],
    ['GET /rooms/{id} (service token)', await timed('state', () => call(stack.url, 'GET', `/rooms/${room.roomId}`, undefined, bearer(token)), 200)],
    ['GET /rooms/{id} (participant token)', await timed('state', () => call(stack.url, 'GET', `/rooms/${room.roomId}`, undefined, bearer(room.creator.token)), 200)],
    ['POST /tickets', await timed('ticket', () => call(stack.url, 'POST', '/tickets', { roomId: room.roomId, validSeconds: 600 }, bearer(room.creator.token)), 201)],
    ['POST /tickets/{id}/redeem', await timed('redeem', () => call(stack.url, 'POST', `/tickets/${bigTicket.ticketId}/redeem`), 200)],
  ];
  console.log(`access-control latency, ${N} sequential requests each after ${WARMUP} warm-up (local stack, DynamoDB Local)`);
  console.log('route'.padEnd(40), 'p50'.padStart(10), 'p95'.padStart(10), 'p99'.padStart(10));
  for (const [name, samples] of rows) {
    const s = summary(samples);
    console.log(name.padEnd(40), ms(s.p50).padStart(10), ms(s.p95).padStart(10), ms(s.p99).padStart(10));
  }
  room.sfu.socket.close();
} finally {
  await stack.stop();
}
