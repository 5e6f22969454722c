/**
 * The room, engine-free: who is in it, what each publishes, who receives whom.
 *
 * - A client becomes a participant with its first handshake (or a ParticipantJoinedEvent).
 * - Every participant has at most two connections: its producer (it offers) and one consumer
 *   connection (the SFU offers) carrying every other participant's tracks. It is opened as soon as
 *   there is something to receive, and renegotiated whenever the set changes: someone publishes
 *   (first offer or a re-offer with a screen), leaves, or starts over.
 * - `leave` closes the participant's producer and consumer, and takes its tracks off everyone's
 *   consumer connection.
 * - Bad input from a client gets a handshake frame back with `error: {status, message}`; nothing
 *   else changes and the room keeps working for everybody.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { HandshakeData } from '../../../protocol/index.ts';
import type { MediaEngine, PublishedTrack, SessionDescription } from '../engines/MediaEngine.ts';
import { ClientInputError } from '../errors.ts';
import { ConsumerLink } from './ConsumerLink.ts';
import { Participant } from './Participant.ts';
import { ProducerLink } from './ProducerLink.ts';
import type { LinkContext, OutboundHandshake } from './types.ts';

export interface RoomOptions {
  roomId: string;
  sfuId: string;
  engine: MediaEngine;
  logger: Logger;
  /** A second keyframe request this long after a consumer connects (default 300 ms). */
  keyframeRetryMs?: number;
  /** At most one keyframe request per published track per this interval (default 200 ms). */
  keyframeMinIntervalMs?: number;
  /** Each participant is told its connection quality this often (default 5 s; 0: never). */
  qualityIntervalMs?: number;
}

export type RoomEvents = {
  /** A handshake frame to send to a client. */
  handshake: [OutboundHandshake];
  /** The number of participants changed. */
  participants: [number];
};

/** Ids of participants that left, remembered so that their late frames do not bring them back. */
const MAX_REMEMBERED_LEFT = 1000;

export class Room extends EventEmitter<RoomEvents> {
  readonly roomId: string;
  readonly sfuId: string;
  private readonly engine: MediaEngine;
  private readonly logger: Logger;
  private readonly participants = new Map<string, Participant>();
  private readonly left = new Set<string>();
  private readonly context: LinkContext;
  private readonly keyframeRetryMs: number;
  private readonly keyframeMinIntervalMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly qualityTimer: NodeJS.Timeout | undefined;
  /** The room's dominant speaker, as the engine last named it. */
  private dominantSpeaker: string | null = null;
  private closed = false;

  constructor(options: RoomOptions) {
    super();
    this.roomId = options.roomId;
    this.sfuId = options.sfuId;
    this.engine = options.engine;
    this.logger = options.logger;
    this.keyframeRetryMs = options.keyframeRetryMs ?? 300;
    this.keyframeMinIntervalMs = options.keyframeMinIntervalMs ?? 200;
    this.context = { roomId: this.roomId, sfuId: this.sfuId, send: (frame) => this.emit('handshake', frame) };
    this.engine.onDominantSpeaker((peerId) => {
      if (this.closed || !this.participants.has(peerId) || peerId === this.dominantSpeaker) return;
      this.setDominantSpeaker(peerId);
    });
    const qualityMs = options.qualityIntervalMs ?? 5000;
    if (qualityMs > 0) {
      this.qualityTimer = setInterval(() => void this.reportQuality(), qualityMs);
      this.qualityTimer.unref();
    }
  }

  private setDominantSpeaker(peerId: string | null): void {
    this.dominantSpeaker = peerId;
    this.logger.debug('dominant speaker', { peerId });
    for (const participant of this.participants.values()) this.tellSpeaker(participant.id);
  }

  private tellSpeaker(receiver: string): void {
    this.emit('handshake', { type: 'consumer', sender: this.sfuId, receiver, roomId: this.roomId, dominantSpeaker: this.dominantSpeaker });
  }

  /** Each participant's connection quality: its uplink from its producer connection, its downlink from its consumer connection. */
  private async reportQuality(): Promise<void> {
    for (const participant of [...this.participants.values()]) {
      const [up, down] = await Promise.all([
        participant.producer?.connection.stats().catch(() => undefined),
        participant.consumer && !participant.consumer.isClosed ? participant.consumer.connection.stats().catch(() => undefined) : undefined,
      ]);
      if (this.closed || !this.participants.has(participant.id) || (!up && !down)) continue;
      const rttMs = down?.rttMs ?? up?.rttMs;
      const availableKbps = down?.availableKbps;
      this.emit('handshake', {
        type: 'consumer',
        sender: this.sfuId,
        receiver: participant.id,
        roomId: this.roomId,
        quality: {
          sendKbps: down?.sendKbps ?? 0,
          recvKbps: up?.recvKbps ?? 0,
          ...(rttMs !== undefined && { rttMs }),
          ...(up?.lossPercent !== undefined && { lossPercent: up.lossPercent }),
          ...(availableKbps !== undefined && { availableKbps }),
        },
      });
    }
  }

  get participantCount(): number {
    return this.participants.size;
  }

  participantIds(): string[] {
    return [...this.participants.keys()];
  }

  /** Published tracks of a participant (empty if unknown). */
  tracksOf(peerId: string): readonly PublishedTrack[] {
    return this.participants.get(peerId)?.tracks ?? [];
  }

  /** The participants whose tracks a participant's consumer connection is to carry. */
  consumersOf(peerId: string): string[] {
    return [...new Set(this.participants.get(peerId)?.consumer?.wantedTracks.map((t) => t.peerId) ?? [])];
  }

  /** A client joined (ParticipantJoinedEvent): it is offered what is already published. */
  join(peerId: string): void {
    if (this.closed || peerId === this.sfuId) return;
    this.left.delete(peerId);
    this.participant(peerId);
  }

  /** Handles one handshake frame from a client. Never throws: bad input is answered with an error frame. */
  async handleHandshake(data: HandshakeData): Promise<void> {
    if (this.closed) return;
    const log = { peerId: data.sender, handshake: data.type, remotePeerId: data.remotePeerId };
    try {
      if (data.roomId !== this.roomId) throw new ClientInputError(`handshake for room ${data.roomId}, this SFU serves ${this.roomId}`);
      if (this.left.has(data.sender)) throw new ClientInputError('participant has left the room', 410);
      const participant = this.participant(data.sender);
      if (data.type === 'producer') await this.handleProducer(participant, data);
      else await this.handleConsumer(participant, data);
    } catch (error) {
      const clientError = error instanceof ClientInputError;
      if (clientError) this.logger.warn('bad handshake from client', { ...log, status: error.status, reason: error.message });
      else this.logger.error('handshake failed', { ...log, error: error as Error });
      // the client learns why, in a handshake frame of the same type (sfu-task/README.md)
      this.emit('handshake', {
        type: data.type,
        sender: this.sfuId,
        receiver: data.sender,
        roomId: this.roomId,
        error: clientError
          ? { status: error.status, message: error.message }
          : { status: 500, message: 'the SFU could not handle this handshake' },
      });
    }
  }

  /** A client left: its connections close, and its tracks leave everyone's consumer connection. */
  leave(peerId: string): void {
    const participant = this.participants.get(peerId);
    this.left.add(peerId);
    if (this.left.size > MAX_REMEMBERED_LEFT) this.left.delete(this.left.values().next().value!);
    if (!participant) return;
    participant.close();
    this.participants.delete(peerId);
    if (this.dominantSpeaker === peerId) this.setDominantSpeaker(null);
    this.logger.info('participant left', { peerId, participants: this.participants.size });
    this.deliverAll();
    this.emit('participants', this.participants.size);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    clearInterval(this.qualityTimer);
    for (const participant of this.participants.values()) participant.close();
    this.participants.clear();
    await this.engine.close();
  }

  private participant(peerId: string): Participant {
    let participant = this.participants.get(peerId);
    if (participant) return participant;
    participant = new Participant(peerId);
    this.participants.set(peerId, participant);
    this.logger.info('participant joined', { peerId, participants: this.participants.size });
    this.deliver(participant);
    if (this.dominantSpeaker) this.tellSpeaker(peerId);
    this.emit('participants', this.participants.size);
    return participant;
  }

  private async handleProducer(participant: Participant, data: HandshakeData): Promise<void> {
    if (data.description) {
      const description = asDescription(data.description);
      let link = participant.producer;
      if (link && (link.connection.state === 'failed' || link.connection.state === 'closed')) {
        this.unpublish(participant); // the client starts over after a failed connection
        link = undefined;
      }
      link ??= this.createProducer(participant);
      let tracks: readonly PublishedTrack[];
      try {
        tracks = await link.handleOffer(description);
      } catch (error) {
        if (!link.hasNegotiated && participant.producer === link) {
          // A first offer that failed leaves nothing behind: the next offer starts afresh.
          link.close();
          participant.producer = undefined;
        }
        throw error;
      }
      this.logger.info('producer negotiated', { peerId: participant.id, tracks: tracks.map((t) => `${t.source}:${t.id}`) });
      this.deliverAll();
    }
    if (data.candidate !== undefined) {
      const link = participant.producer ?? this.createProducer(participant);
      await link.addRemoteCandidate(data.candidate);
    }
    if (!data.description && data.candidate === undefined) throw new ClientInputError('producer handshake without description or candidate');
  }

  private async handleConsumer(participant: Participant, data: HandshakeData): Promise<void> {
    if (data.description && data.description.type !== 'answer') {
      throw new ClientInputError('consumer description must be an answer (the SFU offers on the consumer connection, the client answers)');
    }
    const link = participant.consumer;
    if (!link) throw new ClientInputError('no consumer connection: the SFU has offered none to this client yet', 404);
    if (data.description) await link.handleAnswer(asDescription(data.description));
    if (data.candidate !== undefined) await link.addRemoteCandidate(data.candidate);
    if (data.iceRestart === true) {
      this.logger.info('consumer ICE restart', { peerId: participant.id });
      await link.restartIce();
    }
    if (data.videoViews) link.setVideoViews(data.videoViews);
    if (!data.description && data.candidate === undefined && data.iceRestart !== true && !data.videoViews) {
      throw new ClientInputError('consumer handshake without description, candidate, iceRestart or videoViews');
    }
  }

  private createProducer(participant: Participant): ProducerLink {
    const connection = this.engine.createProducerConnection(participant.id);
    const link = new ProducerLink(participant.id, connection, this.context, this.keyframeMinIntervalMs);
    connection.on('statechange', (state) => {
      this.logger.info('producer connection', { peerId: participant.id, state });
      if (state === 'failed') this.publisherFailed(participant, link);
    });
    participant.producer = link;
    return link;
  }

  /** Brings every participant's consumer connection up to date with what the others publish. */
  private deliverAll(): void {
    for (const receiver of this.participants.values()) this.deliver(receiver);
  }

  /** Makes `receiver` receive everything the other participants publish (opening its consumer connection if needed). */
  private deliver(receiver: Participant): void {
    const tracks = [...this.participants.values()].filter((p) => p !== receiver).flatMap((p) => p.tracks);
    let link = receiver.consumer;
    if (!link || link.isClosed) {
      if (tracks.length === 0) return; // nothing to receive yet: no connection either
      link = this.createConsumer(receiver);
    }
    link.sync(tracks).catch((error: unknown) => {
      this.logger.error('consumer offer failed', { peerId: receiver.id, error: error as Error });
    });
  }

  private createConsumer(receiver: Participant): ConsumerLink {
    const connection = this.engine.createConsumerConnection(receiver.id);
    const link: ConsumerLink = new ConsumerLink(receiver.id, connection, this.context, {
      // tracks added to a connection that is already up need their keyframes now
      negotiated: (added) => {
        if (connection.state === 'connected') this.requestKeyframes(added);
      },
    });
    receiver.consumer = link;
    connection.on('statechange', (state) => {
      this.logger.info('consumer connection', { peerId: receiver.id, state });
      if (state === 'connected') this.requestKeyframes(link.tracks);
    });
    connection.on('keyframerequest', (track) => this.requestKeyframe(track));
    return link;
  }

  /** A keyframe of each video track for a receiver that starts receiving it, and once more a little later. */
  private requestKeyframes(tracks: readonly PublishedTrack[]): void {
    const video = tracks.filter((t) => t.kind === 'video');
    if (video.length === 0) return;
    const ask = () => {
      for (const track of video) this.requestKeyframe(track);
    };
    ask();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      ask();
    }, this.keyframeRetryMs);
    this.timers.add(timer);
  }

  private requestKeyframe(track: PublishedTrack): void {
    this.participants.get(track.peerId)?.producer?.requestKeyframe(track);
  }

  /**
   * A publishing connection failed here, though its client may think it up (under load a werift
   * transport can fail on the SFU's side only): nothing it sends arrives. Its tracks leave the others'
   * consumer connections, and the client is asked to publish again on a new connection.
   */
  private publisherFailed(participant: Participant, link: ProducerLink): void {
    // (a participant that left, or a room that closed, has no producer any more)
    if (participant.producer !== link) return;
    this.logger.warn('producer connection failed: the client is asked to publish again', { peerId: participant.id });
    this.unpublish(participant);
    this.emit('handshake', { type: 'producer', sender: this.sfuId, receiver: participant.id, roomId: this.roomId, publishAgain: true });
  }

  /** Closes a participant's producer and takes its tracks off the others' consumer connections (it stays in the room). */
  private unpublish(participant: Participant): void {
    participant.producer?.close();
    participant.producer = undefined;
    this.deliverAll();
  }
}

function asDescription(description: NonNullable<HandshakeData['description']>): SessionDescription {
  if (description.type !== 'offer' && description.type !== 'answer') {
    throw new ClientInputError(`description type ${description.type} is not supported`);
  }
  if (typeof description.sdp !== 'string' || description.sdp === '') throw new ClientInputError('description has no sdp');
  return { type: description.type, sdp: description.sdp };
}
