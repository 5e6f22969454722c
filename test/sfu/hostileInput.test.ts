/**
 * Property test: hostile media input to each engine (werift; mediasoup with its worker), behind the
 * real Room. A client sends random and mutated SDP offers and answers (real Chromium and werift SDP
 * with lines dropped, repeated, swapped, truncated, numbers and tokens replaced) and random ICE
 * candidates. The engine never crashes (no exception escapes, the mediasoup worker stays alive),
 * every bad input is answered with an error frame to that client only, and two participants in the
 * room keep receiving each other's media throughout.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandshakeData } from '../../protocol/index.ts';
import { fixture } from '../fixtures/sdp/bridgeFixtures.ts';
import type { WeriftParticipant } from '../helpers/weriftParticipant.ts';
import { availableEngines } from './availableEngines.ts';
import { createHarness, type Harness, ROOM_ID } from './roomHarness.ts';

const { engines, coverage } = availableEngines();
console.warn(`hostileInput: ${coverage}`);

const RUNS = 300;
const FIXTURES = ['publish-audio-video', 'publish-camera-off', 'publish-screen-share', 'publish-simulcast', 'publish-werift', 'consumer-answer-audio-video', 'consumer-answer-simulcast'];

type Mutation = (lines: string[]) => string[];

const hostileToken = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '0', '-1', '4294967296', '99999999999999999999', 'NaN', '\u0000', '🙂', 'a'.repeat(3000), 'UDP/TLS/RTP/SAVPF', 'sendrecv', 'actpass'),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((i) => (lines: string[]) => lines.filter((_, j) => j !== i % Math.max(lines.length, 1))),
  fc.nat().map((i) => (lines: string[]) => {
    const k = i % Math.max(lines.length, 1);
    return [...lines.slice(0, k), lines[k] ?? '', ...lines.slice(k)];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (lines: string[]) => {
    const out = [...lines];
    const [a, b] = [i % Math.max(out.length, 1), j % Math.max(out.length, 1)];
    [out[a], out[b]] = [out[b]!, out[a]!];
    return out;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -1, max: 2 ** 33 })).map(([i, n]) => (lines: string[]) => {
    const k = i % Math.max(lines.length, 1);
    return lines.map((line, j) => (j === k ? line.replace(/\d+/, String(n)) : line));
  }),
  fc.tuple(fc.nat(), hostileToken).map(([i, token]) => (lines: string[]) => {
    const k = i % Math.max(lines.length, 1);
    return lines.map((line, j) => (j === k ? line.replace(/[^ :=]+$/, token) : line));
  }),
  fc.nat().map((n) => (lines: string[]) => lines.join('\r\n').slice(0, n % (lines.join('\r\n').length + 1)).split('\r\n')),
  hostileToken.map((junk) => (lines: string[]) => [...lines.slice(0, 3), `a=${junk}`, `m=${junk}`, ...lines.slice(3)]),
);

const hostileSdp = fc.oneof(
  fc.tuple(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([name, mutations]) =>
    mutations.reduce((lines, m) => m(lines), fixture(name).split('\r\n')).join('\r\n'),
  ),
  fc.string({ maxLength: 200 }),
);

const hostileHandshake: fc.Arbitrary<Partial<HandshakeData>> = fc.oneof(
  fc.record({ type: fc.constant('producer' as const), description: fc.record({ type: fc.constantFrom('offer' as const, 'answer' as const), sdp: hostileSdp }) }),
  fc.record({ type: fc.constant('consumer' as const), description: fc.record({ type: fc.constantFrom('offer' as const, 'answer' as const), sdp: hostileSdp }) }),
  fc.record({
    type: fc.constantFrom('producer' as const, 'consumer' as const),
    candidate: fc.record({
      candidate: fc.oneof(hostileToken, hostileToken.map((t) => `candidate:${t} 1 udp 2130706431 127.0.0.1 ${t} typ host`)),
      sdpMid: fc.option(hostileToken, { nil: null }),
      sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1024 }), { nil: null }),
    }),
  }),
);

describe.each(engines)('hostile input to the $name engine', ({ name, sfuEnv }) => {
  let harness: Harness;
  let a: WeriftParticipant;
  let b: WeriftParticipant;
  let mallory: WeriftParticipant;

  beforeAll(async () => {
    harness = await createHarness(name, sfuEnv.MEDIASOUP_WORKER_BIN);
    a = await harness.add('alice');
    b = await harness.add('bob');
    mallory = await harness.add('mallory', { publish: false });
    await a.waitFor(() => a.stream('bob', 'video').packets > 20 && b.stream('alice', 'video').packets > 20, 30_000, 'media both ways');
  });
  afterAll(async () => {
    await harness?.close();
  });

  it(`${RUNS} random and mutated descriptions and candidates: errors to the sender only, no crash, the call goes on`, async () => {
    const died: Error[] = [];
    const workers = (harness.engine as unknown as { slots?: { worker: { on(e: 'died', f: (e: Error) => void): void; closed: boolean } }[] }).slots ?? [];
    for (const slot of workers) slot.worker.on('died', (e) => died.push(e));
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(hostileHandshake, async (data) => {
        const before = mallory.errors.length;
        const frames = harness.outbound.length;
        // the room answers every handshake (it never throws); the frame it sends back comes on the wire
        await harness.room.handleHandshake({ sender: 'mallory', roomId: ROOM_ID, ...data } as HandshakeData);
        await new Promise((r) => setImmediate(r));
        // (the others may be renegotiated meanwhile: mallory's valid offers publish, and reach them)
        const errors = harness.outbound.slice(frames).filter((f) => f.error);
        expect(errors.every((f) => f.receiver === 'mallory'), 'errors only to the sender').toBe(true);
        if (mallory.errors.length > before) answered++;
        expect(died).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // most of it is bad input, and was said to be (an accidental valid candidate or answer need not be)
    expect(answered).toBeGreaterThan(RUNS / 2);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    expect(workers.every((s) => !s.worker.closed)).toBe(true);
    const seen = { ab: a.stream('bob', 'video').packets, ba: b.stream('alice', 'video').packets };
    await a.waitFor(() => a.stream('bob', 'video').packets > seen.ab + 30 && b.stream('alice', 'video').packets > seen.ba + 30, 30_000, 'media after the fuzzing');
    // a newcomer still gets everyone
    const c = await harness.add('carol');
    await c.waitFor(() => c.stream('alice', 'video').packets > 10 && c.stream('bob', 'video').packets > 10, 30_000, 'carol receives');
  });
});
