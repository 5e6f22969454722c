/**
 * The mediasoup engine without a worker: its connections on a stand-in slot (fakeMediasoup.ts:
 * mediasoup's own ortc computes the RTP parameters) with real Chromium SDP, and the start-up check
 * that refuses to run without a worker binary. Media itself needs a worker (see README).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as sdpTransform from 'sdp-transform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseEngine } from '../../sfu-task/src/engines/engineChoice.ts';
import { createEngine } from '../../sfu-task/src/engines/createEngine.ts';
import type { ConnectionState } from '../../sfu-task/src/engines/MediaEngine.ts';
import { layerFor, MediasoupConsumerConnection, outgoingFloor } from '../../sfu-task/src/engines/mediasoup/MediasoupConsumerConnection.ts';
import { MediasoupEngine } from '../../sfu-task/src/engines/mediasoup/MediasoupEngine.ts';
import { MediasoupProducerConnection } from '../../sfu-task/src/engines/mediasoup/MediasoupProducerConnection.ts';
import type { MediasoupPublishedTrack } from '../../sfu-task/src/engines/mediasoup/MediasoupPublishedTrack.ts';
import { connectionState } from '../../sfu-task/src/engines/mediasoup/transportState.ts';
import { cachedWorkerBin, defaultWorkerBin, findWorkerBin, missingWorkerReason, requireWorkerBin } from '../../sfu-task/src/engines/mediasoup/workerBin.ts';
import { type WorkerSlot, WorkerSlotError } from '../../sfu-task/src/engines/mediasoup/WorkerSlot.ts';
import { ClientInputError, ConfigError } from '../../sfu-task/src/errors.ts';
import { fixture } from '../fixtures/sdp/bridgeFixtures.ts';
import { availableEngines } from './availableEngines.ts';
import { type FakeConsumer, type FakeProducer, type FakeRouter, type FakeWorker, fakeSlot } from './fakeMediasoup.ts';

async function rejection(promise: Promise<unknown>): Promise<ClientInputError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ClientInputError);
    return error as ClientInputError;
  }
  throw new Error('expected a ClientInputError');
}

function room() {
  const { slot, router } = fakeSlot();
  const warnings: string[] = [];
  const producers = new Map<string, MediasoupProducerConnection>();
  const publish = async (peerId: string, sdp: string) => {
    const connection = producers.get(peerId) ?? new MediasoupProducerConnection(peerId, slot);
    producers.set(peerId, connection);
    const answer = await connection.handleOffer({ type: 'offer', sdp });
    return { connection, answer };
  };
  const consumer = (peerId: string, target: WorkerSlot = slot) =>
    new MediasoupConsumerConnection(peerId, target, {
      rtpCapabilities: () => producers.get(peerId)?.rtpCapabilities ?? router.rtpCapabilities,
      producerOn: async (track) => track.producer.id,
      warn: (message) => warnings.push(message),
    });
  return { slot, router, publish, consumer, warnings };
}

const transportOf = (router: FakeRouter, index: number) => router.transports[index]!;

/** A browser's answer to a consumer offer: every sending section recvonly (inactive ones inactive), DTLS active. */
function chromiumLikeAnswer(offer: sdpTransform.SessionDescription): string {
  const answer = structuredClone(offer);
  answer.icelite = undefined;
  for (const media of answer.media) {
    if (media.port !== 0) media.direction = media.direction === 'inactive' ? 'inactive' : 'recvonly';
    media.setup = 'active';
    media.candidates = [];
    media.fingerprint = { type: 'sha-256', hash: 'AA:'.repeat(31) + 'AA' };
    media.ssrcs = [];
    media.ssrcGroups = [];
    media.msid = undefined;
  }
  return sdpTransform.write(answer);
}

describe('mediasoup producer connection', () => {
  it('produces each sending section, connects DTLS as the client\'s server, answers with the transport', async () => {
    const { router, publish } = room();
    const { connection, answer } = await publish('alice', fixture('publish-audio-video'));
    expect(answer.type).toBe('answer');
    expect(connection.tracks.map((t) => [t.id, t.kind, t.peerId])).toEqual([
      ['alice:0', 'audio', 'alice'],
      ['alice:1', 'video', 'alice'],
    ]);
    const transport = transportOf(router, 0);
    expect(transport.connects).toHaveLength(1);
    expect(transport.connects[0]!.role).toBe('client');
    const parsed = sdpTransform.parse(answer.sdp);
    expect(parsed.icelite).toBe('ice-lite');
    expect(parsed.media.map((m) => [m.direction, m.setup, m.iceUfrag])).toEqual([
      ['recvonly', 'passive', transport.iceParameters.usernameFragment],
      ['recvonly', 'passive', transport.iceParameters.usernameFragment],
    ]);
    expect(connection.rtpCapabilities?.codecs?.some((c) => c.mimeType === 'video/VP8')).toBe(true);
  });

  it('a re-offer with a screen share adds one producer on the same transport, connects once, answers a new version', async () => {
    const { router, publish } = room();
    const first = await publish('alice', fixture('publish-audio-video'));
    const second = await publish('alice', fixture('publish-screen-share'));
    expect(router.transports).toHaveLength(1);
    expect(transportOf(router, 0).producers).toHaveLength(3);
    expect(transportOf(router, 0).connects).toHaveLength(1);
    // the two fixtures come from two browser sessions: new ICE credentials, so ICE restarts and the answer says so
    expect(transportOf(router, 0).iceRestarts).toBe(1);
    expect(sdpTransform.parse(second.answer.sdp).media[0]!.iceUfrag).toBe(transportOf(router, 0).iceParameters.usernameFragment);
    expect(sdpTransform.parse(second.answer.sdp).media[0]!.iceUfrag).not.toBe(sdpTransform.parse(first.answer.sdp).media[0]!.iceUfrag);
    expect(second.connection.tracks.map((t) => t.id)).toEqual(['alice:0', 'alice:1', 'alice:2']);
    const version = (sdp: string) => Number(sdpTransform.parse(sdp).origin!.sessionVersion);
    expect(version(second.answer.sdp)).toBe(version(first.answer.sdp) + 1);
    expect(sdpTransform.parse(second.answer.sdp).origin!.sessionId).toBe(sdpTransform.parse(first.answer.sdp).origin!.sessionId);
  });

  it('a re-offer with the same ICE credentials does not restart ICE', async () => {
    const { router, publish } = room();
    await publish('alice', fixture('publish-audio-video'));
    const again = sdpTransform.parse(fixture('publish-audio-video'));
    again.origin!.sessionVersion = Number(again.origin!.sessionVersion) + 1;
    await publish('alice', sdpTransform.write(again));
    expect(transportOf(router, 0).iceRestarts).toBe(0);
    expect(transportOf(router, 0).connects).toHaveLength(1);
  });

  it('400 for garbage and for an answer, without creating a transport; 409 once closed', async () => {
    const { router, slot } = room();
    const connection = new MediasoupProducerConnection('alice', slot);
    expect((await rejection(connection.handleOffer({ type: 'offer', sdp: 'garbage' }))).status).toBe(400);
    expect((await rejection(connection.handleOffer({ type: 'answer', sdp: fixture('publish-audio-video') }))).status).toBe(400);
    expect(router.transports).toHaveLength(0);
    expect((await rejection(connection.addRemoteCandidate({ candidate: 'hello' }))).status).toBe(400);
    await connection.addRemoteCandidate({ candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0' });
    connection.close();
    expect((await rejection(connection.handleOffer({ type: 'offer', sdp: fixture('publish-audio-video') }))).status).toBe(409);
  });

  it('reports the transport\'s states and closes with it', async () => {
    const { router, publish } = room();
    const { connection } = await publish('alice', fixture('publish-audio-video'));
    const states: ConnectionState[] = [];
    connection.on('statechange', (s) => states.push(s));
    let closed = 0;
    connection.on('close', () => closed++);
    transportOf(router, 0).connectDtls();
    expect(connection.state).toBe('connected');
    transportOf(router, 0).close();
    expect(states).toEqual(['connecting', 'connected', 'closed']);
    expect(closed).toBe(1);
    expect(connection.closed).toBe(true);
  });
});

describe('mediasoup consumer connection', () => {
  it('offers the publisher\'s tracks with paused consumers, connects on the answer, resumes once DTLS is up, asks video for a keyframe', async () => {
    const { router, publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-audio-video'))).connection;
    await publish('bob', fixture('publish-audio-video'));
    const link = consumer('bob');
    const offer = await link.createOffer(alice.tracks);
    const parsed = sdpTransform.parse(offer.sdp);
    expect(parsed.media.map((m) => [String(m.mid), m.type, m.direction, m.setup])).toEqual([
      ['0', 'audio', 'sendonly', 'actpass'],
      ['1', 'video', 'sendonly', 'actpass'],
    ]);
    expect(parsed.media[1]!.msid).toEqual([{ id: 'alice', appdata: expect.any(String) }]);
    const consumers = link.consumers as unknown as FakeConsumer[];
    expect(consumers.map((c) => c.paused)).toEqual([true, true]);
    const ssrc = consumers[1]!.rtpParameters.encodings![0]!.ssrc;
    expect(parsed.media[1]!.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: `${ssrc} ${consumers[1]!.rtpParameters.encodings![0]!.rtx!.ssrc}` }]);

    await link.handleAnswer({ type: 'answer', sdp: fixture('consumer-answer-audio-video') });
    const transport = transportOf(router, 2);
    expect(transport.connects).toEqual([{ role: 'client', fingerprints: [{ algorithm: 'sha-256', value: expect.stringMatching(/^[0-9A-F:]+$/) }] }]);
    expect(consumers.map((c) => c.paused)).toEqual([true, true]); // not before DTLS is connected
    transport.connectDtls();
    await new Promise((r) => setImmediate(r));
    expect(consumers.map((c) => c.paused)).toEqual([false, false]);
    expect(consumers.map((c) => c.keyFrameRequests)).toEqual([0, 1]);
    // the room's keyframe requests reach the publisher through a running consumer
    alice.requestKeyframe(alice.tracks[1]!);
    expect(consumers[1]!.keyFrameRequests).toBe(2);
    alice.requestKeyframe(alice.tracks[0]!);
    expect(consumers[0]!.keyFrameRequests).toBe(0);
  });

  it('renegotiates with a new track: earlier sections keep their mids and SSRCs, the new consumer resumes after the answer', async () => {
    const { router, publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-audio-video'))).connection;
    await publish('bob', fixture('publish-audio-video'));
    const link = consumer('bob');
    const first = sdpTransform.parse((await link.createOffer(alice.tracks)).sdp);
    await link.handleAnswer({ type: 'answer', sdp: fixture('consumer-answer-audio-video') });
    transportOf(router, 2).connectDtls();
    await publish('alice', fixture('publish-screen-share'));
    const second = sdpTransform.parse((await link.createOffer(alice.tracks)).sdp);
    expect(second.media.map((m) => String(m.mid))).toEqual(['0', '1', '2']);
    expect(second.media.slice(0, 2).map((m) => m.ssrcs)).toEqual(first.media.map((m) => m.ssrcs));
    const consumers = link.consumers as unknown as FakeConsumer[];
    expect(consumers[2]!.paused).toBe(true);
    await link.handleAnswer({ type: 'answer', sdp: fixture('consumer-answer-screen-share') });
    await new Promise((r) => setImmediate(r));
    expect(consumers[2]!.paused).toBe(false);
    expect(transportOf(router, 2).connects).toHaveLength(1);
  });

  it('a simulcast camera starts on its lowest layer; once that flows the client\'s view picks the layer, a hidden view pauses it, shown again it resumes with a keyframe', async () => {
    const { router, publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-simulcast'))).connection;
    await publish('bob', fixture('publish-audio-video'));
    const link = consumer('bob');
    const offer = sdpTransform.parse((await link.createOffer(alice.tracks)).sdp);
    const [audio, video] = link.consumers as unknown as FakeConsumer[];
    expect(video!.type).toBe('simulcast');
    expect(video!.preferredLayers).toEqual([0]);
    const camera = alice.tracks.find((t) => t.kind === 'video')!;
    // a view that comes before the connection is up is kept; resuming waits for DTLS
    link.setVideoView(camera, { visible: true, width: 1280, height: 720 });
    expect(video!.preferredLayers).toEqual([0]);
    expect(video!.paused).toBe(true);
    await link.handleAnswer({ type: 'answer', sdp: chromiumLikeAnswer(offer) });
    transportOf(router, 2).connectDtls();
    await new Promise((r) => setImmediate(r));
    expect([audio!.paused, video!.paused]).toEqual([false, false]);
    const keyframes = video!.keyFrameRequests;
    expect(keyframes).toBeGreaterThan(0);
    // the first picture comes on the lowest layer; then the view's layer
    expect(video!.preferredLayers).toEqual([0]);
    video!.forwardLayer(0);
    expect(video!.preferredLayers).toEqual([0, 2]);
    video!.forwardLayer(2);
    expect(video!.preferredLayers).toEqual([0, 2]);

    link.setVideoView(camera, { visible: false, width: 320, height: 180 });
    await new Promise((r) => setImmediate(r));
    expect(video!.paused).toBe(true);
    expect(audio!.paused).toBe(false);
    link.setVideoView(camera, { visible: true, width: 320, height: 180 });
    await new Promise((r) => setImmediate(r));
    expect(video!.paused).toBe(false);
    expect(video!.preferredLayers.at(-1)).toBe(0);
    expect(video!.keyFrameRequests).toBeGreaterThan(keyframes);
    // a zero-sized view is not shown either
    link.setVideoView(camera, { visible: true, width: 0, height: 0 });
    await new Promise((r) => setImmediate(r));
    expect(video!.paused).toBe(true);
  });

  it('a publisher that sends only its upper layers: a consumer starts on the lowest it sends; a first layer that never flows gives way to the view after a second', async () => {
    const { router, publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-simulcast'))).connection;
    await publish('bob', fixture('publish-audio-video'));
    await publish('carol', fixture('publish-audio-video'));
    const camera = alice.tracks.find((t) => t.kind === 'video')! as MediasoupPublishedTrack;
    const producer = camera.producer as unknown as FakeProducer;
    producer.score = [
      { encodingIdx: 0, ssrc: 1, score: 0 },
      { encodingIdx: 1, ssrc: 2, score: 8 },
      { encodingIdx: 2, ssrc: 3, score: 10 },
    ];
    const bob = consumer('bob');
    await bob.createOffer(alice.tracks);
    expect((bob.consumers as unknown as FakeConsumer[])[1]!.preferredLayers).toEqual([1]);

    // not scored yet: the lowest layer; it never flows, so the view's layer after a second
    producer.score = [];
    const link = consumer('carol');
    const offer = sdpTransform.parse((await link.createOffer(alice.tracks)).sdp);
    const video = (link.consumers as unknown as FakeConsumer[])[1]!;
    expect(video.preferredLayers).toEqual([0]);
    link.setVideoView(camera, { visible: true, width: 1280, height: 720 });
    await link.handleAnswer({ type: 'answer', sdp: chromiumLikeAnswer(offer) });
    transportOf(router, router.transports.length - 1).connectDtls();
    await new Promise((r) => setTimeout(r, 300));
    expect(video.paused).toBe(false);
    expect(video.preferredLayers).toEqual([0]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(video.preferredLayers).toEqual([0, 2]);
  });

  it('the bandwidth floor holds the lowest layer of each simulcast camera shown; none for a hidden one, one gone or a single-layer one', async () => {
    const { router, publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-simulcast'))).connection;
    const dave = (await publish('dave', fixture('publish-simulcast'))).connection;
    const carol = (await publish('carol', fixture('publish-audio-video'))).connection;
    await publish('bob', fixture('publish-audio-video'));
    const link = consumer('bob');
    await link.createOffer([...alice.tracks, ...dave.tracks, ...carol.tracks]);
    const transport = transportOf(router, router.transports.length - 1);
    expect(transport.minOutgoingBitrates).toEqual([outgoingFloor(2)]);
    const aliceCamera = alice.tracks.find((t) => t.kind === 'video')!;
    link.setVideoView(aliceCamera, { visible: false, width: 320, height: 180 });
    expect(transport.minOutgoingBitrates.at(-1)).toBe(outgoingFloor(1));
    // dave's tracks are no longer carried
    await link.createOffer([...alice.tracks, ...carol.tracks]);
    expect(transport.minOutgoingBitrates.at(-1)).toBe(0);
    link.setVideoView(aliceCamera, { visible: true, width: 320, height: 180 });
    expect(transport.minOutgoingBitrates.at(-1)).toBe(outgoingFloor(1));
    // the same view again changes nothing
    const set = transport.minOutgoingBitrates.length;
    link.setVideoView(aliceCamera, { visible: true, width: 320, height: 180 });
    expect(transport.minOutgoingBitrates).toHaveLength(set);
  });

  it('outgoingFloor: a lowest layer per camera (above the 150 kbit/s the client caps it at), capped in all', () => {
    expect(outgoingFloor(0)).toBe(0);
    expect(outgoingFloor(1)).toBeGreaterThan(150_000);
    expect(outgoingFloor(2)).toBe(2 * outgoingFloor(1));
    expect(outgoingFloor(16)).toBeLessThan(16 * outgoingFloor(1));
    expect(outgoingFloor(16)).toBe(outgoingFloor(30));
  });

  it('layerFor: the smallest layer at least 80% of the view\'s height, else the top one', () => {
    expect([90, 180, 200, 270, 360, 450, 720, 1080].map((h) => layerFor(h, 3))).toEqual([0, 0, 0, 1, 1, 1, 2, 2]);
    expect([180, 360, 720].map((h) => layerFor(h, 2))).toEqual([0, 0, 1]);
    expect(layerFor(720, 1)).toBe(0);
  });

  it('409 for an answer with no offer pending, 400 for an offer or an answer that does not match', async () => {
    const { publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-audio-video'))).connection;
    const link = consumer('bob');
    expect((await rejection(link.handleAnswer({ type: 'answer', sdp: fixture('consumer-answer-audio-video') }))).status).toBe(409);
    await link.createOffer(alice.tracks);
    expect((await rejection(link.handleAnswer({ type: 'offer', sdp: fixture('consumer-answer-audio-video') }))).status).toBe(400);
    expect((await rejection(link.handleAnswer({ type: 'answer', sdp: fixture('consumer-answer-screen-share') }))).status).toBe(400);
  });

  it('a section the client rejects closes its consumer and stays rejected in later offers', async () => {
    const { publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-audio-video'))).connection;
    const link = consumer('bob');
    await link.createOffer(alice.tracks);
    await link.handleAnswer({ type: 'answer', sdp: fixture('consumer-answer-audio-video').replace(/^m=video 9 /m, 'm=video 0 ') });
    expect((link.consumers as unknown as FakeConsumer[]).map((c) => c.closed)).toEqual([false, true]);
    const again = sdpTransform.parse((await link.createOffer(alice.tracks)).sdp);
    expect(again.media.map((m) => m.port)).toEqual([40000, 0]);
  });

  it('a track the receiver cannot decode is not offered (and the room is told)', async () => {
    const { publish, consumer, warnings } = room();
    const alice = (await publish('alice', fixture('publish-audio-video'))).connection;
    // bob offers H.264 only: alice's VP8 is not for him
    const session = sdpTransform.parse(fixture('publish-audio-video'));
    const video = session.media[1]!;
    video.payloads = video.rtp.filter((r) => r.codec === 'H264' || r.codec === 'rtx').map((r) => r.payload).join(' ');
    await publish('bob', sdpTransform.write(session));
    const link = consumer('bob');
    const offer = sdpTransform.parse((await link.createOffer(alice.tracks)).sdp);
    expect(offer.media.map((m) => m.type)).toEqual(['audio']);
    expect(warnings).toEqual(['the receiving client cannot decode a track: not sent']);
  });

  it('carries several publishers on one connection, each in its msid stream (screen apart); a track taken off gets port 0', async () => {
    const { publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-audio-video'))).connection;
    await publish('alice', fixture('publish-screen-share'));
    const carol = (await publish('carol', fixture('publish-werift'))).connection;
    const link = consumer('bob');
    const offer = sdpTransform.parse((await link.createOffer([...alice.tracks, ...carol.tracks])).sdp);
    expect(alice.tracks.map((t) => t.source)).toEqual(['microphone', 'camera', 'screen']);
    // raw msid lines: sdp-transform's grammar stops stream ids at "|"
    const streams = [...(await link.createOffer([...alice.tracks, ...carol.tracks])).sdp.matchAll(/^a=msid:(\S+) /gm)].map((m) => m[1]);
    expect(offer.media.map((m, i) => [String(m.mid), m.type, streams[i]])).toEqual([
      ['0', 'audio', 'alice'],
      ['1', 'video', 'alice'],
      ['2', 'video', 'alice|screen'],
      ['3', 'audio', 'carol'],
      ['4', 'video', 'carol'],
    ]);
    await link.handleAnswer({ type: 'answer', sdp: chromiumLikeAnswer(offer) });
    // carol leaves: her sections go inactive in the next offer (no SSRC, still bundled), alice's stay as they were
    const again = sdpTransform.parse((await link.createOffer(alice.tracks)).sdp);
    expect(again.media.map((m) => [String(m.mid), m.direction, m.port === 0, (m.ssrcs ?? []).length > 0])).toEqual([
      ['0', 'sendonly', false, true],
      ['1', 'sendonly', false, true],
      ['2', 'sendonly', false, true],
      ['3', 'inactive', false, false],
      ['4', 'inactive', false, false],
    ]);
    expect((link.consumers as unknown as FakeConsumer[]).map((c) => c.closed)).toEqual([false, false, false, true, true]);
    // answered inactive, they stay inactive (not rejected)
    await link.handleAnswer({ type: 'answer', sdp: chromiumLikeAnswer(again) });
    const third = sdpTransform.parse((await link.createOffer(alice.tracks)).sdp);
    expect(third.media.map((m) => m.direction)).toEqual(['sendonly', 'sendonly', 'sendonly', 'inactive', 'inactive']);
    expect(third.groups?.[0]?.mids).toBe('0 1 2 3 4');
  });

  it('closing the publisher closes its consumers', async () => {
    const { publish, consumer } = room();
    const alice = (await publish('alice', fixture('publish-audio-video'))).connection;
    const link = consumer('bob');
    await link.createOffer(alice.tracks);
    alice.close();
    expect((link.consumers as unknown as FakeConsumer[]).every((c) => c.closed)).toBe(true);
  });
});

describe('mediasoup engine', () => {
  async function startEngine(workers: number, rtcPort = 44_444) {
    const slots: ReturnType<typeof fakeSlot>[] = [];
    const ports: number[] = [];
    const died: Error[] = [];
    const warnings: string[] = [];
    const engine = await MediasoupEngine.start(
      { announcedIp: '127.0.0.1', rtcPort, workers, onWorkerDied: (e) => died.push(e), warn: (m) => warnings.push(m) },
      {
        checkWorker: async () => undefined,
        createSlot: async ({ index, port }) => {
          ports.push(port);
          const fake = fakeSlot(index);
          slots.push(fake);
          return fake.slot;
        },
      },
    );
    return { engine, slots, ports, died, warnings };
  }

  it('one slot per worker on consecutive ports (0: any free port); a dead worker is reported', async () => {
    const { engine, ports, slots, died } = await startEngine(3);
    expect(engine.name).toBe('mediasoup');
    expect(ports).toEqual([44_444, 44_445, 44_446]);
    expect((await startEngine(2, 0)).ports).toEqual([0, 0]);
    (slots[1]!.worker as FakeWorker).emit('died', new Error('worker crashed'));
    expect(died.map((e) => e.message)).toEqual(['worker crashed']);
  });

  it('publishes on worker 0, spreads receivers over the workers, pipes each track once per router, builds consumers for the receiver', async () => {
    const { engine, slots } = await startEngine(2);
    const alice = engine.createProducerConnection('alice');
    await alice.handleOffer({ type: 'offer', sdp: fixture('publish-audio-video') });
    const bob = engine.createProducerConnection('bob');
    await bob.handleOffer({ type: 'offer', sdp: fixture('publish-werift') });
    expect(slots[0]!.router.transports).toHaveLength(2);
    expect(slots[1]!.router.transports).toHaveLength(0);

    const first = engine.createConsumerConnection('carol'); // slot 0
    const second = engine.createConsumerConnection('bob'); // slot 1: piped
    const third = engine.createConsumerConnection('alice'); // slot 0 again
    await first.createOffer(alice.tracks);
    const offer = sdpTransform.parse((await second.createOffer(alice.tracks)).sdp);
    await third.createOffer(bob.tracks);
    expect(slots[0]!.router.pipes.map((p) => p.router)).toEqual([slots[1]!.router, slots[1]!.router]);
    await engine.createConsumerConnection('dave').createOffer(alice.tracks); // slot 1 again: no new pipe
    expect(slots[0]!.router.pipes).toHaveLength(2);
    // bob published with werift (no RTX): his consumers have none either
    expect(offer.media[1]!.rtp.map((r) => r.codec)).toEqual(['VP8']);
    expect(engine.connectionCount).toBe(6);
    await engine.close();
    expect(engine.connectionCount).toBe(0);
    expect(slots.every((s) => (s.worker as FakeWorker).closed)).toBe(true);
  });

  it('every microphone joins one speaker observer on worker 0; its dominant speaker is named by peer', async () => {
    const { engine, slots } = await startEngine(2);
    const named: string[] = [];
    engine.onDominantSpeaker((peerId) => named.push(peerId));
    const alice = engine.createProducerConnection('alice');
    await alice.handleOffer({ type: 'offer', sdp: fixture('publish-audio-video') });
    const bob = engine.createProducerConnection('bob');
    await bob.handleOffer({ type: 'offer', sdp: fixture('publish-werift') });
    await new Promise((r) => setImmediate(r));
    const [observer, ...more] = slots[0]!.router.speakerObservers;
    expect(more).toEqual([]);
    expect(slots[1]!.router.speakerObservers).toEqual([]);
    const microphones = [alice, bob].map((c) => (c.tracks.find((t) => t.kind === 'audio') as MediasoupPublishedTrack).producer.id);
    expect(observer!.producerIds).toEqual(microphones);
    observer!.speak(microphones[1]!);
    observer!.speak(microphones[0]!);
    expect(named).toEqual(['bob', 'alice']);
    await engine.close();
  });

  it('a receiver that has not published yet gets what the router sends', async () => {
    const { engine } = await startEngine(1);
    const alice = engine.createProducerConnection('alice');
    await alice.handleOffer({ type: 'offer', sdp: fixture('publish-audio-video') });
    const offer = sdpTransform.parse((await engine.createConsumerConnection('carol').createOffer(alice.tracks)).sdp);
    expect(offer.media.map((m) => m.rtp.map((r) => r.codec))).toEqual([['opus'], ['VP8', 'rtx']]);
  });

  it('a worker slot that cannot start is one ConfigError line', async () => {
    let error: unknown;
    try {
      await MediasoupEngine.start(
        { announcedIp: '127.0.0.1', rtcPort: 44_444, workers: 1 },
        {
          checkWorker: async () => undefined,
          createSlot: async () => {
            throw new WorkerSlotError('worker 0 cannot listen on 127.0.0.1 port 44444 UDP/TCP (address in use)');
          },
        },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('SFU_ENGINE=mediasoup: worker 0 cannot listen on 127.0.0.1 port 44444 UDP/TCP (address in use)');
  });
});

describe('mediasoup engine start-up', () => {
  it('maps ICE and DTLS states to connection states', () => {
    expect(connectionState('new', 'new')).toBe('new');
    expect(connectionState('connected', 'connecting')).toBe('connecting');
    expect(connectionState('completed', 'connected')).toBe('connected');
    expect(connectionState('disconnected', 'connected')).toBe('disconnected');
    expect(connectionState('completed', 'failed')).toBe('failed');
    expect(connectionState('closed', 'connected')).toBe('closed');
  });

  it('without a worker binary it refuses to start with one ConfigError line', async () => {
    let error: unknown;
    try {
      await createEngine('mediasoup', { announcedIp: '127.0.0.1', portRange: undefined }, { workerBin: '/nonexistent/mediasoup-worker', rtcPort: 44_444, workers: 1, ioUring: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^SFU_ENGINE=mediasoup: no mediasoup worker binary at \/nonexistent\/mediasoup-worker \(.*MEDIASOUP_WORKER_BIN.*\)$/);
    expect(() => requireWorkerBin('/nonexistent/mediasoup-worker')).toThrow(ConfigError);
  });
});

describe('finding the worker binary', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'worker-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  /** An executable file at ~/.cache/video-rooms/mediasoup-worker-<version> of the temporary home. */
  const cacheWorker = () => {
    const path = cachedWorkerBin(home);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n', { mode: 0o755 });
    return path;
  };

  it('MEDIASOUP_WORKER_BIN when set (and no other), else this machine\'s cache, else mediasoup\'s install', async () => {
    const mediasoup = await import('mediasoup');
    expect(cachedWorkerBin(home)).toBe(join(home, '.cache', 'video-rooms', `mediasoup-worker-${mediasoup.version}`));
    if (!process.env.MEDIASOUP_WORKER_BIN) expect(defaultWorkerBin()).toBe(mediasoup.workerBin);
    const installed = findWorkerBin(undefined, home);
    // this install has no worker of its own unless mediasoup's install step ran
    expect(installed === undefined || installed.source === 'install').toBe(true);
    const cached = cacheWorker();
    expect(findWorkerBin(undefined, home)).toEqual({ path: cached, source: 'cache' });
    expect(findWorkerBin('/bin/true', home)).toEqual({ path: '/bin/true', source: 'MEDIASOUP_WORKER_BIN' });
    expect(findWorkerBin('/nonexistent/worker', home)).toBeUndefined(); // a configured one is not second-guessed
    expect(missingWorkerReason(undefined, home)).toBe(`no mediasoup worker binary at ${cached} or ${defaultWorkerBin()}`);
  });

  it('the engine: SFU_ENGINE forces either; unset, mediasoup where a worker is found, werift otherwise, with the reason', () => {
    expect(chooseEngine('werift', undefined, home)).toEqual({ engine: 'werift', workerBin: undefined, reason: 'SFU_ENGINE=werift' });
    expect(() => chooseEngine('mediasoup', '/nonexistent/worker', home)).toThrow(/^SFU_ENGINE=mediasoup: no mediasoup worker binary at \/nonexistent\/worker/);
    const none = chooseEngine(undefined, '/nonexistent/worker', home);
    expect(none.engine).toBe('werift');
    expect(none.reason).toMatch(/^no mediasoup worker binary at \/nonexistent\/worker; set MEDIASOUP_WORKER_BIN/);
    const cached = cacheWorker();
    expect(chooseEngine(undefined, undefined, home)).toEqual({
      engine: 'mediasoup',
      workerBin: { path: cached, source: 'cache' },
      reason: `the worker built for this machine at ${cached} found`,
    });
    expect(chooseEngine('mediasoup', undefined, home).reason).toBe(`SFU_ENGINE=mediasoup, the worker built for this machine at ${cached}`);
  });
});

describe('engines the e2e suites can cover', () => {
  it('werift always; mediasoup with a worker found, and whenever one is configured (then a broken one fails the suites)', () => {
    const home = mkdtempSync(join(tmpdir(), 'worker-home-'));
    try {
      const installed = findWorkerBin(undefined, home);
      const without = availableEngines({}, home);
      if (!installed) {
        expect(without.engines.map((e) => e.name)).toEqual(['werift']);
        expect(without.coverage).toBe(`SFU engines covered: werift (not mediasoup: no mediasoup worker binary at ${cachedWorkerBin(home)} or ${defaultWorkerBin()})`);
      }
      const configured = availableEngines({ MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' }, home);
      expect(configured.engines.map((e) => e.name)).toEqual(['werift', 'mediasoup']);
      expect(configured.engines[1]!.stackEnv).toMatchObject({ SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' });
      expect(configured.engines[1]!.sfuEnv).toMatchObject({ SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKERS: '1', MEDIASOUP_RTC_PORT: '0' });
      expect(configured.coverage).toBe('SFU engines covered: werift, mediasoup');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
