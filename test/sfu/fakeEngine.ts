/**
 * A media engine without media, for the room-logic tests. Offers are written `kinds:audio,video`
 * (one published track per kind listed, cumulative over re-offers; the first video is the camera, a
 * later one the screen); `garbage` is bad input. A consumer connection records each offer's track ids.
 */
import { EventEmitter } from 'node:events';
import {
  type ConnectionEvents,
  type ConnectionState,
  type ConsumerConnection,
  type ConsumerConnectionEvents,
  type IceCandidate,
  type MediaEngine,
  type MediaKind,
  type ProducerConnection,
  type PublishedTrack,
  type SessionDescription,
  type TransportStats,
  trackSource,
  type VideoView,
} from '../../sfu-task/src/engines/MediaEngine.ts';
import { ClientInputError } from '../../sfu-task/src/errors.ts';

export class FakeProducer extends EventEmitter<ConnectionEvents> implements ProducerConnection {
  state: ConnectionState = 'new';
  closed = false;
  readonly tracks: PublishedTrack[] = [];
  readonly keyframeRequests: string[] = [];
  readonly remoteCandidates: (IceCandidate | null)[] = [];
  constructor(readonly peerId: string) {
    super();
  }
  async handleOffer(offer: SessionDescription): Promise<SessionDescription> {
    if (offer.type !== 'offer') throw new ClientInputError('producer description must be an offer');
    if (!offer.sdp.startsWith('kinds:')) throw new ClientInputError('offer sdp is not a session description');
    const kinds = offer.sdp.slice(6).split(',').filter(Boolean) as MediaKind[];
    if (kinds.length === 0) throw new ClientInputError('offer has no audio or video');
    for (const [i, kind] of kinds.entries()) {
      const id = `${this.peerId}:${i}`;
      const source = trackSource(kind, this.tracks.filter((t) => t.kind === 'video').length);
      if (!this.tracks.some((t) => t.id === id)) this.tracks.push({ id, kind, peerId: this.peerId, source });
    }
    // Like werift: candidates come out while the local description is applied, before the answer.
    this.emit('candidate', { candidate: `candidate:${this.peerId} 1 udp 1 127.0.0.1 5000 typ host`, sdpMid: '0', sdpMLineIndex: 0 });
    await Promise.resolve();
    return { type: 'answer', sdp: `answer-to:${offer.sdp}` };
  }
  async addRemoteCandidate(candidate: IceCandidate | null): Promise<void> {
    this.remoteCandidates.push(candidate);
  }
  requestKeyframe(track: PublishedTrack): void {
    this.keyframeRequests.push(track.id);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state = 'closed';
    this.emit('close');
  }
  async stats(): Promise<TransportStats> {
    return { sendKbps: 0, recvKbps: 800, lossPercent: 1.5 };
  }
}

export class FakeConsumer extends EventEmitter<ConsumerConnectionEvents> implements ConsumerConnection {
  state: ConnectionState = 'new';
  closed = false;
  offers: string[][] = [];
  answers: string[] = [];
  constructor(readonly peerId: string) {
    super();
  }
  async createOffer(tracks: readonly PublishedTrack[]): Promise<SessionDescription> {
    this.offers.push(tracks.map((t) => t.id));
    this.emit('candidate', { candidate: `candidate:c-${this.peerId} 1 udp 1 127.0.0.1 5001 typ host`, sdpMid: '0', sdpMLineIndex: 0 });
    await Promise.resolve();
    return { type: 'offer', sdp: `offer:${tracks.map((t) => t.id).join(',')}` };
  }
  async handleAnswer(answer: SessionDescription): Promise<void> {
    if (answer.type !== 'answer') throw new ClientInputError('consumer description must be an answer');
    this.answers.push(answer.sdp);
  }
  async addRemoteCandidate(): Promise<void> {}
  readonly views: { track: string; view: VideoView }[] = [];
  setVideoView(track: PublishedTrack, view: VideoView): void {
    this.views.push({ track: track.id, view });
  }
  async stats(): Promise<TransportStats> {
    return { sendKbps: 100, recvKbps: 50, rttMs: 12 };
  }
  iceRestarts = 0;
  async restartIce(): Promise<void> {
    this.iceRestarts++;
  }
  /** Simulates the transport coming up. */
  connect(): void {
    this.state = 'connected';
    this.emit('statechange', 'connected');
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}

export class FakeEngine implements MediaEngine {
  readonly name = 'fake';
  readonly simulcast = false;
  private readonly speakerListeners: ((peerId: string) => void)[] = [];
  onDominantSpeaker(listener: (peerId: string) => void): void {
    this.speakerListeners.push(listener);
  }
  /** What an engine's speaker observer does when someone starts to dominate. */
  speak(peerId: string): void {
    for (const listener of this.speakerListeners) listener(peerId);
  }
  readonly producers: FakeProducer[] = [];
  readonly consumers: FakeConsumer[] = [];
  closed = false;
  createProducerConnection(peerId: string): FakeProducer {
    const p = new FakeProducer(peerId);
    this.producers.push(p);
    return p;
  }
  createConsumerConnection(peerId: string): FakeConsumer {
    const c = new FakeConsumer(peerId);
    this.consumers.push(c);
    return c;
  }
  consumer(peerId: string): FakeConsumer | undefined {
    return this.consumers.filter((c) => c.peerId === peerId).at(-1);
  }
  producer(peerId: string): FakeProducer | undefined {
    return this.producers.filter((p) => p.peerId === peerId).at(-1);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}
