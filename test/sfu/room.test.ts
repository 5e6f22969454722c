/** The engine-free room logic with a fake engine: who receives whom, negotiation order, leave, bad input, keyframes, idling. */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HandshakeData } from '../../protocol/index.ts';
import { IdleWatcher } from '../../sfu-task/src/room/IdleWatcher.ts';
import { KeyframeThrottle } from '../../sfu-task/src/room/KeyframeThrottle.ts';
import { Room } from '../../sfu-task/src/room/Room.ts';
import type { OutboundHandshake } from '../../sfu-task/src/room/types.ts';
import { FakeEngine } from './fakeEngine.ts';

const ROOM = 'room-1';
const SFU = 'sfu-1';

let engine: FakeEngine;
let room: Room;
let sent: OutboundHandshake[];

beforeEach(() => {
  engine = new FakeEngine();
  room = new Room({ roomId: ROOM, sfuId: SFU, engine, logger: new Logger({ logLevel: 'SILENT' }), keyframeRetryMs: 300, keyframeMinIntervalMs: 0 });
  sent = [];
  room.on('handshake', (frame) => sent.push(frame));
});

afterEach(async () => {
  vi.useRealTimers();
  await room.close();
});

const producerOffer = (sender: string, kinds = 'audio,video'): HandshakeData => ({
  type: 'producer',
  sender,
  roomId: ROOM,
  description: { type: 'offer', sdp: `kinds:${kinds}` },
});

const consumerAnswer = (sender: string): HandshakeData => ({
  type: 'consumer',
  sender,
  roomId: ROOM,
  description: { type: 'answer', sdp: `answer-from:${sender}` },
});

const to = (receiver: string) => sent.filter((f) => f.receiver === receiver);
const lastError = (receiver: string) => to(receiver).filter((f) => f.error).at(-1)?.error;
const flush = () => new Promise((r) => setTimeout(r, 0));

/** Every client answers every consumer offer, until none is waiting. */
async function answerAll(): Promise<void> {
  for (let round = 0; round < 10; round++) {
    await flush();
    const waiting = engine.consumers.filter((c) => !c.closed && c.offers.length > c.answers.length);
    if (waiting.length === 0) return;
    for (const c of waiting) await room.handleHandshake(consumerAnswer(c.peerId));
  }
  throw new Error('consumer offers never settled');
}

describe('Room', () => {
  it('answers a producer offer, then sends the candidates held back during it', async () => {
    await room.handleHandshake(producerOffer('alice'));
    expect(to('alice')).toEqual([
      { type: 'producer', sender: SFU, receiver: 'alice', roomId: ROOM, description: { type: 'answer', sdp: 'answer-to:kinds:audio,video' } },
      { type: 'producer', sender: SFU, receiver: 'alice', roomId: ROOM, candidate: expect.objectContaining({ candidate: expect.stringContaining('alice') }) },
    ]);
    expect(room.tracksOf('alice').map((t) => t.kind)).toEqual(['audio', 'video']);
  });

  it('a new client gets one consumer connection with everything already published; what it publishes reaches the others', async () => {
    await room.handleHandshake(producerOffer('alice'));
    // alone in the room: nothing to receive, so no consumer connection yet
    expect(engine.consumer('alice')).toBeUndefined();
    await room.handleHandshake(producerOffer('bob'));
    await flush();
    // bob joined after alice published: bob receives alice; alice receives bob once bob published.
    const bobOffer = to('bob').find((f) => f.type === 'consumer' && f.description);
    expect(bobOffer).toEqual({ type: 'consumer', sender: SFU, receiver: 'bob', roomId: ROOM, description: { type: 'offer', sdp: 'offer:alice:0,alice:1' } });
    const aliceOffer = to('alice').find((f) => f.type === 'consumer' && f.description);
    expect(aliceOffer).toMatchObject({ description: { type: 'offer', sdp: 'offer:bob:0,bob:1' } });
    // The consumer offer goes out before its candidates.
    const bobConsumerFrames = to('bob').filter((f) => f.type === 'consumer');
    expect(bobConsumerFrames[0]!.description).toBeDefined();
    expect(bobConsumerFrames[1]!.candidate).toBeDefined();
    // A client that never publishes (joined by event) receives everybody, on one connection.
    room.join('carol');
    await flush();
    expect(room.consumersOf('carol').sort()).toEqual(['alice', 'bob']);
    expect(engine.consumer('carol')!.offers).toEqual([['alice:0', 'alice:1', 'bob:0', 'bob:1']]);
    expect(room.consumersOf('alice')).toEqual(['bob']);
    expect(room.participantCount).toBe(3);
    // one consumer connection per client, whatever the room size
    expect(engine.consumers.map((c) => c.peerId).sort()).toEqual(['alice', 'bob', 'carol']);
  });

  it('a track published later (re-offer) renegotiates the existing consumers, after their pending answer', async () => {
    await room.handleHandshake(producerOffer('alice'));
    await room.handleHandshake(producerOffer('bob'));
    await flush();
    const bobs = engine.consumer('bob')!;
    expect(bobs.offers).toEqual([['alice:0', 'alice:1']]);
    // alice adds a screen track before bob answered: no second offer yet (no glare, one at a time).
    await room.handleHandshake(producerOffer('alice', 'audio,video,video'));
    await flush();
    expect(bobs.offers.length).toBe(1);
    expect(room.tracksOf('alice').map((t) => t.source)).toEqual(['microphone', 'camera', 'screen']);
    await room.handleHandshake(consumerAnswer('bob'));
    await flush();
    expect(bobs.offers).toEqual([
      ['alice:0', 'alice:1'],
      ['alice:0', 'alice:1', 'alice:2'],
    ]);
    expect(engine.consumers.filter((c) => c.peerId === 'bob')).toHaveLength(1);
    // nothing changed since: the answer to the second offer starts no third
    await room.handleHandshake(consumerAnswer('bob'));
    await flush();
    expect(bobs.offers).toHaveLength(2);
  });

  it('leave closes the leaver\'s connections and takes its tracks off the others\' by renegotiation', async () => {
    for (const p of ['alice', 'bob', 'carol']) await room.handleHandshake(producerOffer(p));
    await answerAll();
    const counts: number[] = [];
    room.on('participants', (n) => counts.push(n));
    room.leave('carol');
    await answerAll();
    expect(engine.producer('carol')!.closed).toBe(true);
    expect(engine.consumer('carol')!.closed).toBe(true);
    expect(engine.consumers.filter((c) => c.peerId !== 'carol').every((c) => !c.closed)).toBe(true);
    // alice's connection is offered again without carol's tracks
    expect(engine.consumer('alice')!.offers.at(-1)).toEqual(['bob:0', 'bob:1']);
    expect(room.consumersOf('alice')).toEqual(['bob']);
    expect(counts).toEqual([2]);
    // Late frames of the leaver do not bring it back.
    await room.handleHandshake(producerOffer('carol'));
    expect(to('carol').at(-1)!.error).toEqual({ status: 410, message: 'participant has left the room' });
    expect(room.participantCount).toBe(2);
  });

  it('the last other participant leaving sends no offer of only stopped sections; the next one\'s tracks come in one offer', async () => {
    for (const p of ['alice', 'bob']) await room.handleHandshake(producerOffer(p));
    await answerAll();
    const alices = engine.consumer('alice')!;
    expect(alices.offers).toEqual([['bob:0', 'bob:1']]);
    room.leave('bob');
    await answerAll();
    expect(alices.offers).toHaveLength(1);
    await room.handleHandshake(producerOffer('carol'));
    await answerAll();
    expect(alices.offers).toEqual([
      ['bob:0', 'bob:1'],
      ['carol:0', 'carol:1'],
    ]);
    expect(engine.consumers.filter((c) => c.peerId === 'alice')).toHaveLength(1);
  });

  it('a publishing connection that fails at the SFU: its tracks leave the others\' connections and its client is asked to publish again; its new offer brings them back', async () => {
    for (const p of ['alice', 'bob', 'carol']) await room.handleHandshake(producerOffer(p));
    await answerAll();
    const failed = engine.producer('carol')!;
    failed.state = 'failed';
    failed.emit('statechange', 'failed');
    await answerAll();
    expect(failed.closed).toBe(true);
    expect(to('carol').filter((f) => f.type === 'producer' && f.publishAgain)).toHaveLength(1);
    expect(engine.consumer('alice')!.offers.at(-1)).toEqual(['bob:0', 'bob:1']);
    expect(room.consumersOf('bob')).toEqual(['alice']);
    // carol still receives the others, and is still in the room
    expect(engine.consumer('carol')!.closed).toBe(false);
    expect(room.participantCount).toBe(3);
    // nobody else is asked to publish again
    expect(sent.filter((f) => f.publishAgain).map((f) => f.receiver)).toEqual(['carol']);

    await room.handleHandshake(producerOffer('carol'));
    await answerAll();
    expect(engine.producer('carol')).not.toBe(failed);
    expect(engine.consumer('alice')!.offers.at(-1)).toEqual(['bob:0', 'bob:1', 'carol:0', 'carol:1']);
    expect(room.consumersOf('bob').sort()).toEqual(['alice', 'carol']);
  });

  it('bad input gets an error handshake to the sender only; nothing else changes', async () => {
    await room.handleHandshake(producerOffer('alice'));
    await room.handleHandshake({ type: 'producer', sender: 'mallory', roomId: ROOM, description: { type: 'offer', sdp: 'garbage' } });
    expect(to('mallory').filter((f) => f.type === 'producer')).toEqual([
      { type: 'producer', sender: SFU, receiver: 'mallory', roomId: ROOM, error: { status: 400, message: 'offer sdp is not a session description' } },
    ]);
    // The failed first offer left no producer behind: the next one starts afresh.
    expect(engine.producer('mallory')!.closed).toBe(true);
    await room.handleHandshake({ type: 'producer', sender: 'mallory', roomId: ROOM, description: { type: 'offer', sdp: 'kinds:' } });
    expect(to('mallory').at(-1)!.error).toEqual({ status: 400, message: 'offer has no audio or video' });
    // the newcomer has a consumer connection (alice publishes): an offer there is not the client's to make
    await flush();
    await room.handleHandshake({ type: 'consumer', sender: 'mallory', roomId: ROOM, description: { type: 'offer', sdp: 'x' } });
    expect(to('mallory').at(-1)).toEqual({
      type: 'consumer',
      sender: SFU,
      receiver: 'mallory',
      roomId: ROOM,
      error: { status: 400, message: 'consumer description must be an answer (the SFU offers on the consumer connection, the client answers)' },
    });
    await room.handleHandshake(consumerAnswer('mallory'));
    await room.handleHandshake(consumerAnswer('mallory'));
    expect(lastError('mallory')).toEqual({ status: 409, message: 'no consumer offer is waiting for an answer' });
    // a consumer candidate from a client the SFU has offered nothing yet
    room.join('nora');
    room.leave('alice');
    room.join('otto');
    await room.handleHandshake({ type: 'consumer', sender: 'otto', roomId: ROOM, candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' } });
    expect(lastError('otto')!.status).toBe(404);
    const errors = to('mallory').filter((f) => f.error).length;
    await room.handleHandshake({ type: 'producer', sender: 'mallory', roomId: 'other-room', description: { type: 'offer', sdp: 'kinds:audio' } });
    expect(lastError('mallory')!.status).toBe(400);
    await room.handleHandshake({ type: 'producer', sender: 'mallory', roomId: ROOM, description: { type: 'rollback' } });
    expect(lastError('mallory')!.message).toBe('description type rollback is not supported');
    expect(to('mallory').filter((f) => f.error)).toHaveLength(errors + 2);
    expect(to('alice').every((f) => !f.error)).toBe(true);
    // The room still works: mallory publishes properly, nora receives it.
    await room.handleHandshake(producerOffer('mallory'));
    await flush();
    expect(room.consumersOf('nora')).toEqual(['mallory']);
  });

  it('a client asking for an ICE restart gets a new offer (the same tracks), after any pending answer', async () => {
    await room.handleHandshake(producerOffer('alice'));
    await room.handleHandshake(producerOffer('bob'));
    await answerAll();
    const bobs = engine.consumer('bob')!;
    expect(bobs.offers).toHaveLength(1);
    await room.handleHandshake({ type: 'consumer', sender: 'bob', roomId: ROOM, iceRestart: true });
    await flush();
    expect(bobs.iceRestarts).toBe(1);
    expect(bobs.offers).toEqual([
      ['alice:0', 'alice:1'],
      ['alice:0', 'alice:1'],
    ]);
    // asked again while that offer waits for its answer: it comes once the answer is in
    await room.handleHandshake({ type: 'consumer', sender: 'bob', roomId: ROOM, iceRestart: true });
    await flush();
    expect(bobs.offers).toHaveLength(2);
    await room.handleHandshake(consumerAnswer('bob'));
    await flush();
    expect(bobs.offers).toHaveLength(3);
    // a consumer handshake with nothing in it is still bad input
    await room.handleHandshake({ type: 'consumer', sender: 'bob', roomId: ROOM });
    expect(lastError('bob')).toEqual({ status: 400, message: 'consumer handshake without description, candidate, iceRestart or videoViews' });
  });

  it('a client\'s video views reach its consumer connection for each listed video, also for a screen shared later', async () => {
    await room.handleHandshake(producerOffer('alice'));
    await room.handleHandshake(producerOffer('bob'));
    await answerAll();
    const views = [
      { peerId: 'alice', source: 'camera' as const, width: 320, height: 180, visible: true },
      { peerId: 'alice', source: 'screen' as const, width: 1280, height: 720, visible: true },
    ];
    await room.handleHandshake({ type: 'consumer', sender: 'bob', roomId: ROOM, videoViews: views });
    expect(engine.consumer('bob')!.views).toEqual([{ track: 'alice:1', view: views[0] }]);
    expect(lastError('bob')).toBeUndefined();
    await room.handleHandshake(producerOffer('alice', 'audio,video,video'));
    await answerAll();
    expect(engine.consumer('bob')!.views.map((v) => [v.track, v.view.height])).toEqual([
      ['alice:1', 180],
      ['alice:1', 180],
      ['alice:2', 720],
    ]);
    // alice gets none of it: views are per receiver
    expect(engine.consumer('alice')!.views).toEqual([]);
  });

  it('tells every participant the dominant speaker the engine names, a newcomer too, and nobody once that speaker left', async () => {
    for (const p of ['alice', 'bob']) await room.handleHandshake(producerOffer(p));
    const speakers = (receiver: string) => to(receiver).filter((f) => 'dominantSpeaker' in f).map((f) => f.dominantSpeaker);
    engine.speak('bob');
    engine.speak('bob'); // no change: nothing sent
    engine.speak('mallory'); // not in the room
    expect(speakers('alice')).toEqual(['bob']);
    expect(speakers('bob')).toEqual(['bob']);
    room.join('carol');
    expect(speakers('carol')).toEqual(['bob']);
    room.leave('bob');
    expect(speakers('alice')).toEqual(['bob', null]);
    expect(speakers('carol')).toEqual(['bob', null]);
  });

  it('tells each participant its connection quality from its two connections\' figures', async () => {
    vi.useFakeTimers();
    const timed = new Room({ roomId: ROOM, sfuId: SFU, engine, logger: new Logger({ logLevel: 'SILENT' }), qualityIntervalMs: 1000 });
    const frames: OutboundHandshake[] = [];
    timed.on('handshake', (frame) => frames.push(frame));
    for (const p of ['alice', 'bob']) await timed.handleHandshake(producerOffer(p));
    await vi.advanceTimersByTimeAsync(1000);
    const quality = frames.filter((f) => f.quality);
    expect(quality.map((f) => f.receiver).sort()).toEqual(['alice', 'bob']);
    // uplink from the producer connection (received, loss), downlink from the consumer connection (sent, rtt)
    expect(quality[0]!.quality).toEqual({ sendKbps: 100, recvKbps: 800, rttMs: 12, lossPercent: 1.5 });
    await timed.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(frames.filter((f) => f.quality)).toHaveLength(2);
  });

  it('a producer candidate that overtakes the offer is kept for it', async () => {
    await room.handleHandshake({ type: 'producer', sender: 'alice', roomId: ROOM, candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' } });
    expect(to('alice')).toEqual([]);
    await room.handleHandshake(producerOffer('alice'));
    expect(engine.producers).toHaveLength(1);
    expect(engine.producer('alice')!.remoteCandidates).toHaveLength(1);
  });

  it('asks the publisher for a keyframe when a consumer connects, again 300 ms later, and on PLI/FIR', async () => {
    vi.useFakeTimers();
    await room.handleHandshake(producerOffer('alice'));
    await room.handleHandshake(producerOffer('bob'));
    await vi.advanceTimersByTimeAsync(0);
    const alice = engine.producer('alice')!;
    await room.handleHandshake(consumerAnswer('bob'));
    engine.consumer('bob')!.connect();
    expect(alice.keyframeRequests).toEqual(['alice:1']); // the video track only
    await vi.advanceTimersByTimeAsync(300);
    expect(alice.keyframeRequests).toEqual(['alice:1', 'alice:1']);
    engine.consumer('bob')!.emit('keyframerequest', room.tracksOf('alice')[1]!);
    expect(alice.keyframeRequests).toHaveLength(3);
    // a track added to the connected connection gets its keyframe once answered: alice shares her screen
    await room.handleHandshake(producerOffer('alice', 'audio,video,video'));
    await vi.advanceTimersByTimeAsync(0);
    expect(alice.keyframeRequests).toHaveLength(3);
    await room.handleHandshake(consumerAnswer('bob'));
    expect(alice.keyframeRequests.slice(3)).toEqual(['alice:2']);
  });
});

describe('KeyframeThrottle', () => {
  it('sends at most one request per interval and keeps the last one for the end of it', () => {
    vi.useFakeTimers();
    let now = 0;
    const sentKeys: string[] = [];
    const throttle = new KeyframeThrottle<string>((k) => sentKeys.push(k), 200, () => now);
    throttle.request('v');
    throttle.request('v');
    throttle.request('v');
    expect(sentKeys).toEqual(['v']);
    now = 200;
    vi.advanceTimersByTime(200);
    expect(sentKeys).toEqual(['v', 'v']);
    throttle.close();
  });
});

describe('IdleWatcher', () => {
  it('fires after the idle time without clients, only once a client has been seen', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    const watcher = new IdleWatcher(1000, onIdle);
    watcher.update(0);
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled(); // a warm room waiting for its first client
    watcher.update(1);
    watcher.update(0);
    vi.advanceTimersByTime(900);
    watcher.update(1); // somebody came back in time
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled();
    watcher.update(0);
    vi.advanceTimersByTime(1000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    watcher.close();
  });

  it('a claimed room idles out even if no client ever comes; a client arriving first stops it', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    const watcher = new IdleWatcher(1000, onIdle);
    watcher.update(0);
    watcher.claimed();
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    watcher.update(1);
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled();
    watcher.update(0);
    vi.advanceTimersByTime(1000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    watcher.close();

    const busy = vi.fn();
    const withClient = new IdleWatcher(1000, busy);
    withClient.update(2);
    withClient.claimed(); // claimed while clients are in: nothing to count down
    vi.advanceTimersByTime(5000);
    expect(busy).not.toHaveBeenCalled();
    withClient.close();
    vi.useRealTimers();
  });
});
