/**
 * Each engine in-process (werift; mediasoup with its worker where one is found), behind the real
 * Room: werift test participants wired by direct function calls publish synthetic Opus + VP8 RTP
 * (about 500 kbit/s video) and each receives the others' RTP with payload intact and sequence
 * continuity, starting from a keyframe; a leave closes the consumers of the leaver's media; bad input
 * gets an error and the room keeps working.
 * No timed assertions: every wait is "until this holds" with a generous timeout.
 */
import { release } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { WeriftParticipant } from '../helpers/weriftParticipant.ts';
import { availableEngines } from './availableEngines.ts';
import { createHarness, type Harness, ROOM_ID } from './roomHarness.ts';

const { engines, coverage } = availableEngines();
console.warn(`engine: ${coverage}`);

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Waits until `receiver` got at least `packets` packets of both kinds from each of `from`. */
async function receivesFrom(receiver: WeriftParticipant, from: string[], packets = 40): Promise<void> {
  await receiver.waitFor(
    () => from.every((peer) => receiver.stream(peer, 'audio').packets >= packets && receiver.stream(peer, 'video').packets >= packets),
    20_000,
    `media from ${from.join(', ')}`,
  );
}

function expectIntact(receiver: WeriftParticipant, from: string): void {
  for (const kind of ['audio', 'video'] as const) {
    const s = receiver.stream(from, kind);
    expect(s.corrupt, `${receiver.peerId} <- ${from} ${kind}: corrupt payloads`).toBe(0);
    expect(s.sequenceGaps, `${receiver.peerId} <- ${from} ${kind}: sequence gaps`).toBe(0);
    expect(s.counterGaps, `${receiver.peerId} <- ${from} ${kind}: publisher counter gaps`).toBe(0);
    expect([...s.publishers]).toEqual([from]);
    // the track's msid stream names its publisher (camera and microphone share it)
    expect([...s.streams]).toEqual([from]);
  }
  // a receiver's video starts with (or soon gets) a keyframe: the SFU asks the publisher for one
  expect(receiver.stream(from, 'video').keyframes, `${receiver.peerId} <- ${from}: keyframes`).toBeGreaterThan(0);
}

describe.each(engines)('$name engine behind the room', ({ name, sfuEnv }) => {
  const harnessFor = () => createHarness(name, sfuEnv.MEDIASOUP_WORKER_BIN);

  it('forwards each participant\'s audio and video to every other participant, intact and in sequence', async () => {
    harness = await harnessFor();
    const a = await harness.add('alice');
    const b = await harness.add('bob');
    await receivesFrom(a, ['bob']);
    await receivesFrom(b, ['alice']);
    // A third one joins later: it gets what is already published, and the others get it.
    const c = await harness.add('carol');
    await receivesFrom(c, ['alice', 'bob']);
    await receivesFrom(a, ['bob', 'carol']);
    await receivesFrom(b, ['alice', 'carol']);
    for (const [receiver, others] of [
      [a, ['bob', 'carol']],
      [b, ['alice', 'carol']],
      [c, ['alice', 'bob']],
    ] as const) {
      for (const other of others) expectIntact(receiver, other);
    }
    // Nobody receives itself.
    expect(a.stream('alice', 'video').packets).toBe(0);
    // The SFU asked each publisher for a keyframe when consumers of its video connected.
    for (const p of [a, b, c]) expect(p.pliReceived).toBeGreaterThan(0);
    // The room knows who publishes what and who receives whom.
    expect(harness.room.tracksOf('alice').map((t) => `${t.kind}:${t.source}`).sort()).toEqual(['audio:microphone', 'video:camera']);
    expect(harness.room.consumersOf('carol').sort()).toEqual(['alice', 'bob']);
    // Two peer connections per client, whatever the room size: three clients, six connections at the SFU.
    for (const p of [a, b, c]) expect(p.peerConnectionCount()).toBe(2);
    expect(harness.engine.connectionCount).toBe(6);
    // alice got bob on one offer, and carol on a renegotiation of the same connection
    expect(a.consumerOffers).toBeGreaterThanOrEqual(2);
  });

  it('a leave closes the leaver\'s connections and every consumer of its media; the others keep theirs', async () => {
    harness = await harnessFor();
    const a = await harness.add('alice');
    const b = await harness.add('bob');
    await harness.add('carol');
    await receivesFrom(a, ['bob', 'carol'], 20);
    await receivesFrom(b, ['alice', 'carol'], 20);
    const before = harness.engine.connectionCount; // 3 producers + 3 consumer connections
    expect(before).toBe(6);
    await harness.leave('carol');
    expect(harness.room.consumersOf('alice')).toEqual(['bob']);
    expect(harness.room.consumersOf('bob')).toEqual(['alice']);
    expect(harness.room.participantIds().sort()).toEqual(['alice', 'bob']);
    await a.waitFor(() => harness!.engine.connectionCount === 4, 5_000, 'SFU connections to close');
    // carol's tracks leave the others' consumer connections by renegotiation; the connections stay
    await a.waitFor(() => !a.consumerPeers().includes('carol'), 5_000, 'carol off alice\'s consumer connection');
    await b.waitFor(() => !b.consumerPeers().includes('carol'), 5_000, 'carol off bob\'s consumer connection');
    expect(a.consumerState()).toBe('connected');
    // Media between the remaining two keeps flowing; carol's stops: what was on its way when her
    // tracks left (sent before, so it lands before bob's next packets) is all alice gets of her.
    const moreFromBob = async () => {
      const seen = a.stream('bob', 'video').packets;
      await a.waitFor(() => a.stream('bob', 'video').packets > seen + 30, 30_000, 'more video from bob');
    };
    await moreFromBob();
    const carolVideo = a.stream('carol', 'video').packets;
    await moreFromBob();
    expect(a.stream('carol', 'video').packets).toBe(carolVideo);
    expectIntact(a, 'bob');
    expectIntact(b, 'alice');
    // a newcomer's tracks arrive on the same connections, next to carol's inactive sections
    const d = await harness.add('dave');
    await receivesFrom(a, ['dave'], 20);
    await receivesFrom(b, ['dave'], 20);
    await receivesFrom(d, ['alice', 'bob'], 20);
    expectIntact(a, 'dave');
    expect(a.errors).toEqual([]);
    expect(a.peerConnectionCount()).toBe(2);
  });

  it('bad input gets an error handshake to that client only, and the room keeps working', async () => {
    harness = await harnessFor();
    const a = await harness.add('alice');
    const b = await harness.add('bob');
    await receivesFrom(a, ['bob'], 20);
    const mallory = await harness.add('mallory', { publish: false });

    mallory.sendHandshake({ type: 'producer', description: { type: 'offer', sdp: 'this is not sdp' } });
    await mallory.waitFor(() => mallory.errors.length >= 1, 5_000, 'error for garbage sdp');
    expect(mallory.errors[0]!.error).toMatchObject({ status: 400 });
    expect(mallory.errors[0]!.type).toBe('producer');

    const noMedia = [
      'v=0',
      'o=- 1 1 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      'a=ice-ufrag:abcd',
      'a=ice-pwd:abcdefghijklmnopqrstuvwx',
      'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
      'a=setup:actpass',
      'a=mid:0',
      'a=sctp-port:5000',
      '',
    ].join('\r\n');
    mallory.sendHandshake({ type: 'producer', description: { type: 'offer', sdp: noMedia } });
    await mallory.waitFor(() => mallory.errors.length >= 2, 5_000, 'error for an offer without media');
    expect(mallory.errors[1]!.error!.message).toMatch(/no audio or video/);

    // mallory's consumer connection is answered (it receives): an answer nobody asked for is a 409
    await receivesFrom(mallory, ['alice', 'bob'], 5);
    mallory.sendHandshake({ type: 'consumer', description: { type: 'answer', sdp: 'v=0\r\n' } });
    await mallory.waitFor(() => mallory.errors.length >= 3, 5_000, 'error for an answer without an offer');
    expect(mallory.errors[2]!).toMatchObject({ type: 'consumer', receiver: 'mallory', roomId: ROOM_ID });
    expect(mallory.errors[2]!.error!.status).toBe(409);

    mallory.sendHandshake({ type: 'consumer', description: { type: 'offer', sdp: 'v=0' } });
    await mallory.waitFor(() => mallory.errors.length >= 4, 5_000, 'error for a consumer offer');
    expect(mallory.errors[3]!.error!.status).toBe(400);
    mallory.sendHandshake({ type: 'consumer', candidate: { candidate: 'not a candidate', sdpMid: '0', sdpMLineIndex: 0 } });
    await mallory.waitFor(() => mallory.errors.length >= 5, 5_000, 'error for a bad candidate');
    expect(mallory.errors[4]!.error!.status).toBe(400);

    // Nobody else got an error, and the room still works: media flows, and a newcomer gets everything.
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    const seen = a.stream('bob', 'video').packets;
    await a.waitFor(() => a.stream('bob', 'video').packets > seen + 30, 30_000, 'more video from bob');
    const c = await harness.add('carol');
    await receivesFrom(c, ['alice', 'bob'], 20);
    await receivesFrom(a, ['carol'], 20);
    expectIntact(c, 'alice');
    // mallory (who never published) receives the others too.
    await receivesFrom(mallory, ['alice', 'bob', 'carol'], 20);
  });
});

// werift 0.24.4 does not recover from an ICE restart it offers (its own side restarting), so on the
// werift engine a receiving connection that lost its path is replaced by the client rejoining; see
// iceRestart.test.ts for Chromium, and sfu-task/README.md
describe.each(engines.filter((e) => e.name === 'mediasoup'))('$name engine and MEDIASOUP_IO_URING', ({ name, sfuEnv }) => {
  // a worker that sends through io_uring reports its ring's counters in its dump; mediasoup uses io_uring on Linux 6 or newer only
  const kernelHasIt = Number(release().split('.')[0]) >= 6;
  it.each([
    { setting: 'off (the default, as every other case here)', ioUring: false, counters: false },
    { setting: 'on', ioUring: true, counters: kernelHasIt },
  ])('$setting: the worker sends through io_uring only when on and the kernel has it, and media is forwarded intact', async ({ ioUring, counters }) => {
    harness = await createHarness(name, sfuEnv.MEDIASOUP_WORKER_BIN, ioUring);
    const a = await harness.add('alice');
    const b = await harness.add('bob');
    await receivesFrom(a, ['bob']);
    await receivesFrom(b, ['alice']);
    expectIntact(a, 'bob');
    expectIntact(b, 'alice');
    const { slots } = harness.engine as unknown as { slots: { worker: { dump(): Promise<{ liburing?: unknown }> } }[] };
    expect(slots.length).toBe(1);
    for (const { worker } of slots) expect((await worker.dump()).liburing !== undefined).toBe(counters);
  });
});

describe.each(engines.filter((e) => e.name === 'mediasoup'))('$name engine: ICE restart of the consumer connection', ({ name, sfuEnv }) => {
  it('the client asks, the SFU offers again with new ICE credentials, and media goes on', async () => {
    harness = await createHarness(name, sfuEnv.MEDIASOUP_WORKER_BIN);
    const a = await harness.add('alice');
    await harness.add('bob');
    await receivesFrom(a, ['bob']);
    const offers = a.consumerOffers;
    a.restartConsumerIce();
    await a.waitFor(() => a.consumerOffers > offers, 10_000, 'the ICE restart offer');
    expect(new Set(a.consumerUfrags).size).toBe(2);
    const seen = a.stream('bob', 'video').packets;
    await a.waitFor(() => a.stream('bob', 'video').packets > seen + 60, 30_000, 'media after the restart');
    expect(a.errors).toEqual([]);
    expectIntact(a, 'bob');
  });
});
