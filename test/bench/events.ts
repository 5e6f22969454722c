/**
 * npm run bench:events — sendEvent to a user with 1, 10 and 100 live endpoints (WebSocket connections
 * identified as endpoints, on the local stack with DynamoDB Local): p50/p95 latency from the request to
 * the last endpoint's delivery (best effort and qos 1, the clients acknowledging), and events per second
 * sustained for 10 seconds (closed loop, a few senders at once, every delivery counted). Traffic goes to
 * 127.0.0.1 only; it stops by itself.
 */
import WebSocket from 'ws';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { bearer, endpointWsUrl, registerEndpoint, startIdp } from '../helpers/userEndpoints.ts';
import { ms, summary } from './stats.ts';

const SAMPLES = 200;
const WARMUP = 20;
const SUSTAIN_MS = 10_000;
const SENDERS = 8;

interface Endpoints {
  sockets: WebSocket[];
  /** Resolves when every endpoint has the event with this `seq`. */
  delivered(seq: number): Promise<void>;
}

async function openEndpoints(stack: TestStack, token: string, count: number): Promise<Endpoints> {
  const waiting = new Map<number, { left: number; resolve: () => void }>();
  const early = new Map<number, number>();
  const arrived = (seq: number) => {
    const w = waiting.get(seq);
    if (!w) {
      early.set(seq, (early.get(seq) ?? 0) + 1);
      return;
    }
    if (--w.left === 0) {
      waiting.delete(seq);
      w.resolve();
    }
  };
  const sockets = await Promise.all(
    Array.from({ length: count }, async () => {
      const id = await registerEndpoint(stack, token, { keepAliveSeconds: 3600 });
      const socket = new WebSocket(endpointWsUrl(stack, token, id));
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const identified = new Promise<void>((resolve) =>
        socket.on('message', (raw) => {
          const frame = JSON.parse(raw.toString()) as { type: string; event?: { seq?: number; eventId: string } };
          if (frame.type === 'identified') resolve();
          if (frame.type !== 'event' || frame.event?.seq === undefined) return;
          socket.send(JSON.stringify({ action: 'ack', data: { eventId: frame.event.eventId } }));
          arrived(frame.event.seq);
        }),
      );
      socket.send(JSON.stringify({ action: 'identify', data: { type: 'endpoint', id } }));
      await identified;
      return socket;
    }),
  );
  return {
    sockets,
    delivered: (seq) =>
      new Promise<void>((resolve) => {
        const left = count - (early.get(seq) ?? 0);
        early.delete(seq);
        if (left <= 0) resolve();
        else waiting.set(seq, { left, resolve });
      }),
  };
}

async function sendEvent(stack: TestStack, token: string, userId: string, seq: number, qos: number): Promise<number> {
  const res = await fetch(`${stack.url}/rtc-api/users/endpoints/sendEvent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify({ userId, qos, event: { type: 'IncomingCallEvent', timestamp: new Date().toISOString(), seq, roomUrl: 'http://127.0.0.1/bench' } }),
  });
  if (res.status !== 200) throw new Error(`sendEvent answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as number;
}

let seq = 0;

async function latency(stack: TestStack, token: string, userId: string, endpoints: Endpoints, count: number, qos: number) {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES + WARMUP; i++) {
    const s = seq++;
    const t = performance.now();
    const all = endpoints.delivered(s);
    const sent = await sendEvent(stack, token, userId, s, qos);
    if (sent !== count) throw new Error(`sendEvent reached ${sent} endpoints, expected ${count}`);
    await all;
    if (i >= WARMUP) samples.push(performance.now() - t);
  }
  return summary(samples);
}

async function sustained(stack: TestStack, token: string, userId: string, endpoints: Endpoints, count: number) {
  const end = performance.now() + SUSTAIN_MS;
  let events = 0;
  const deliveries: Promise<void>[] = [];
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (performance.now() < end) {
        const s = seq++;
        deliveries.push(endpoints.delivered(s));
        const sent = await sendEvent(stack, token, userId, s, 0);
        if (sent !== count) throw new Error(`sendEvent reached ${sent} endpoints, expected ${count}`);
        events++;
      }
    }),
  );
  await Promise.all(deliveries);
  return { events, perSecond: events / (SUSTAIN_MS / 1000), deliveriesPerSecond: (events * count) / (SUSTAIN_MS / 1000) };
}

const idp = await startIdp();
const stack = await startStack({ ...idp.env, ENDPOINT_SWEEP_INTERVAL_SECONDS: '5' });
const rows: string[] = [];
try {
  const sender = await idp.userToken('bench-sender', 'bench-org');
  for (const count of [1, 10, 100]) {
    const userId = `bench-user-${count}`;
    const endpoints = await openEndpoints(stack, await idp.userToken(userId, 'bench-org'), count);
    const best = await latency(stack, sender, userId, endpoints, count, 0);
    const qos1 = await latency(stack, sender, userId, endpoints, count, 1);
    const rate = await sustained(stack, sender, userId, endpoints, count);
    for (const socket of endpoints.sockets) socket.close(1000);
    rows.push(
      `${String(count).padStart(9)} | ${ms(best.p50).padStart(9)} | ${ms(best.p95).padStart(9)} | ${ms(qos1.p50).padStart(9)} | ${ms(qos1.p95).padStart(9)} | ${rate.perSecond.toFixed(1).padStart(8)} | ${rate.deliveriesPerSecond.toFixed(0).padStart(12)}`,
    );
  }
} finally {
  await stack.stop();
  await idp.close();
}
console.log(`\nbench:events — sendEvent -> last endpoint's delivery (${SAMPLES} events each, one at a time); then ${SENDERS} senders for ${SUSTAIN_MS / 1000} s (best effort)`);
console.log('endpoints | qos0  p50 | qos0  p95 | qos1  p50 | qos1  p95 | events/s | deliveries/s');
for (const row of rows) console.log(row);
