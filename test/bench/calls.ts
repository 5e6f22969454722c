/**
 * npm run bench:calls — call URLs over the local gateway (real HTTP, API Gateway events, DynamoDB
 * Local): making a link, reading it, placing a call (a ready room claimed, the owner's endpoint rung)
 * and the time until the ring arrives on the owner's WebSocket, and accepting. Sequential: latency,
 * not throughput.
 */
import type { CallUrlResponse, CreateCallUrlResponse, PlaceCallResponse, UserEventFrame } from '../../protocol/index.ts';
import { call, startStack } from '../helpers/localStack.ts';
import { type ReadyRoom, readyRoom } from '../helpers/signalingRoom.ts';
import { bearer, connectEndpoint, registerEndpoint, startIdp } from '../helpers/userEndpoints.ts';
import { ms, summary } from './stats.ts';

const LINKS = 200;
const CALLS = 40;
const WARMUP = 5;

const idp = await startIdp();
const stack = await startStack({ ...idp.env, WARM_ROOMS: '0', MAX_ROOMS: String(CALLS + WARMUP + 5), POWERTOOLS_LOG_LEVEL: 'ERROR' });
const rooms: ReadyRoom[] = [];
try {
  const bob = await idp.userToken('bob', 'acme', { name: 'Bob' });
  const endpoint = await connectEndpoint(stack, bob, await registerEndpoint(stack, bob));

  const made: number[] = [];
  const read: number[] = [];
  let link: CreateCallUrlResponse | undefined;
  for (let i = 0; i < LINKS + WARMUP; i++) {
    let t = performance.now();
    const res = await call(stack.url, 'POST', '/call-url', { remote_id: `guest-${i}`, valid_duration: 3600 }, bearer(bob));
    if (res.status !== 201) throw new Error(`POST /call-url: ${res.status}`);
    if (i >= WARMUP) made.push(performance.now() - t);
    link = res.body as unknown as CreateCallUrlResponse;
    t = performance.now();
    const described = await call(stack.url, 'GET', `/calls/${link.callToken}`);
    if (!(described.body as unknown as CallUrlResponse).valid) throw new Error('GET /calls/{token}: not valid');
    if (i >= WARMUP) read.push(performance.now() - t);
  }

  const placed: number[] = [];
  const rung: number[] = [];
  const accepted: number[] = [];
  for (let i = 0; i < CALLS + WARMUP; i++) {
    rooms.push(await readyRoom(stack)); // not timed: a warm room, as the warm pool keeps one
    const t = performance.now();
    const res = await call(stack.url, 'POST', `/calls/${link!.callToken}`, { displayName: 'Alice' });
    const answered = performance.now();
    if (res.status !== 201) throw new Error(`POST /calls/{token}: ${res.status} ${JSON.stringify(res.body)}`);
    const { callId } = res.body as unknown as PlaceCallResponse;
    await endpoint.next((f) => f.type === 'event' && (f as unknown as UserEventFrame).event.callId === callId, 10_000, 'ring');
    const ringing = performance.now();
    const accept = await call(stack.url, 'POST', `/calls/id/${callId}/accept`, undefined, bearer(bob));
    if (accept.status !== 200) throw new Error(`accept: ${accept.status}`);
    if (i >= WARMUP) {
      placed.push(answered - t);
      rung.push(ringing - t);
      accepted.push(performance.now() - ringing);
    }
    // the accepted tab's status event (best effort) is not needed here
    endpoint.frames.length = 0;
  }

  console.log(`call URLs, sequential (local stack, DynamoDB Local); ${LINKS} links, ${CALLS} calls after ${WARMUP} warm-up`);
  console.log('step'.padEnd(44), 'p50'.padStart(10), 'p95'.padStart(10), 'p99'.padStart(10));
  for (const [name, samples] of [
    ['POST /call-url', made],
    ['GET /calls/{token}', read],
    ['POST /calls/{token} (answer)', placed],
    ['POST /calls/{token} -> ring on the endpoint', rung],
    ['POST /calls/id/{callId}/accept', accepted],
  ] as const) {
    const s = summary([...samples]);
    console.log(name.padEnd(44), ms(s.p50).padStart(10), ms(s.p95).padStart(10), ms(s.p99).padStart(10));
  }
  endpoint.socket.close();
} finally {
  for (const room of rooms) room.sfu.socket.close();
  await stack.stop();
  await idp.close();
}
