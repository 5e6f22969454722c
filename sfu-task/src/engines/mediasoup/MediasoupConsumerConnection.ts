/**
 * A client's one receiving connection on mediasoup: a Consumer per published track it carries
 * (created paused, from any publisher, piped to this connection's worker if needed), an offer built
 * from the consumers' RTP parameters (each in the msid stream of its publisher,
 * protocol/mediaStream.ts), the client's answer -> DTLS connect. A track no longer carried has its
 * consumer closed and its section inactive in the next offer. Consumers are resumed once
 * DTLS is connected (and after each later answer), with a keyframe request for video; a simulcast
 * camera starts on the lowest layer its publisher sends (a small keyframe: the first picture comes
 * fast) and moves to the layer its view asks for once that layer flows (or a second later anyway). PLI/FIR from
 * the client are relayed upstream by the worker itself, so this connection never emits
 * `keyframerequest`.
 */
import type { types } from 'mediasoup';
import { mediaStreamId } from '../../../../protocol/mediaStream.ts';
import { ClientInputError } from '../../errors.ts';
import type { ConsumerConnection, ConsumerConnectionEvents, PublishedTrack, SessionDescription, TransportStats, VideoView } from '../MediaEngine.ts';
import { MediasoupConnection } from './MediasoupConnection.ts';
import { MediasoupPublishedTrack } from './MediasoupPublishedTrack.ts';
import { readConsumerAnswer } from './sdp/consumerAnswer.ts';
import { type ConsumerSection, writeConsumerOffer } from './sdp/consumerOffer.ts';
import type { WorkerSlot } from './WorkerSlot.ts';

export interface ConsumerContext {
  /** The receiving client's capabilities (from its publish offer), in the router's terms. */
  rtpCapabilities(): types.RtpCapabilities;
  /** The id of the track's producer on the given slot's router (piped there if needed). */
  producerOn(track: MediasoupPublishedTrack, slot: WorkerSlot): Promise<string>;
  /** Something the room should know but the client need not (a track this client cannot decode). */
  warn(message: string, extra: Record<string, unknown>): void;
}

interface Sending {
  track: MediasoupPublishedTrack;
  consumer: types.Consumer;
  section: ConsumerSection;
}

/** A simulcast consumer whose first layer has not flowed this long after it resumed takes its view's layer anyway. */
const FIRST_LAYER_WAIT_MS = 1000;

/**
 * The least the receiver's bandwidth estimate may fall to, per simulcast camera it shows: that
 * camera's lowest layer (the web client caps it at 150 kbit/s, web/src/media/ProducerLink.ts) with
 * its packet headers and keyframes. Below that mediasoup forwards no layer of it at all, a frozen
 * picture, until the estimate climbs back; at it each shown camera keeps its lowest layer while the
 * link is short. At most FLOOR_CAP_BPS in all: with many tiles on a short link some pause instead.
 */
const LOWEST_LAYER_BPS = 200_000;
const FLOOR_CAP_BPS = 1_000_000;

/** The outgoing bitrate floor (bit/s) for a receiving connection that shows `cameras` simulcast cameras; 0 is none. */
export function outgoingFloor(cameras: number): number {
  return Math.min(cameras * LOWEST_LAYER_BPS, FLOOR_CAP_BPS);
}

/** The camera's top layer is 720p (web/src/call/localMedia.ts asks for it); each lower one halves it. */
const TOP_LAYER_HEIGHT = 720;

/**
 * The spatial layer for a view `height` px high out of `layers` (lowest first): the smallest whose
 * height is at least 80% of the view's (a little upscaling does not show), else the top one.
 */
export function layerFor(height: number, layers: number): number {
  for (let layer = 0; layer < layers - 1; layer++) {
    if (TOP_LAYER_HEIGHT / 2 ** (layers - 1 - layer) >= height * 0.8) return layer;
  }
  return layers - 1;
}

export class MediasoupConsumerConnection extends MediasoupConnection<ConsumerConnectionEvents> implements ConsumerConnection {
  private readonly sendings: Sending[] = [];
  /** How the client shows each video track (kept for tracks consumed later). */
  private readonly views = new Map<PublishedTrack, VideoView>();
  /** Mids of the offer waiting for its answer, undefined when none is. */
  private pendingMids: string[] | undefined;
  /** Simulcast consumers whose first layer has reached the client: from then on, the view picks the layer. */
  private readonly flowing = new WeakSet<types.Consumer>();
  /** The outgoing bitrate floor last given to the transport (bit/s). */
  private floorBps = 0;
  /** The next section's mid (sections are never reused: a track gone leaves its section inactive). */
  private nextMid = 0;

  constructor(
    peerId: string,
    slot: WorkerSlot,
    private readonly context: ConsumerContext,
  ) {
    super(peerId, slot);
  }

  /** Consumers of this connection (for stats and tests). */
  get consumers(): readonly types.Consumer[] {
    return this.sendings.map((s) => s.consumer);
  }

  async createOffer(tracks: readonly PublishedTrack[]): Promise<SessionDescription> {
    if (this.closed) throw new Error('consumer connection is closed');
    const transport = await this.ensureTransport();
    const wanted = new Set(tracks);
    for (const sending of this.sendings) {
      if (!carried(sending) || wanted.has(sending.track)) continue;
      sending.section.stopped = true;
      sending.consumer.close();
    }
    const fresh: MediasoupPublishedTrack[] = [];
    for (const track of tracks) {
      if (this.sendings.some((s) => s.track === track)) continue;
      if (!(track instanceof MediasoupPublishedTrack)) throw new Error(`track ${track.id} does not belong to the mediasoup engine`);
      if (!track.closed) fresh.push(track);
    }
    // the consumers are made side by side (one worker request each: a room of 8 is 14 of them), their
    // sections in the tracks' order
    const made = await Promise.allSettled(fresh.map((track) => this.consume(transport, track, String(this.nextMid++))));
    for (const result of made) if (result.status === 'fulfilled' && result.value) this.sendings.push(result.value);
    const failed = made.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const sections = this.sendings.map((s) => s.section);
    this.pendingMids = sections.map((s) => s.mid);
    this.updateFloor();
    return { type: 'offer', sdp: writeConsumerOffer(sections, this.describe(transport), { sessionId: this.sessionId, version: ++this.sdpVersion }) };
  }

  async handleAnswer(answer: SessionDescription): Promise<void> {
    if (this.closed) throw new ClientInputError('consumer connection is closed', 409);
    if (answer.type !== 'answer') throw new ClientInputError('consumer description must be an answer (the SFU offers, the client answers)');
    if (!this.pendingMids || !this.transport) throw new ClientInputError('no consumer offer is waiting for an answer', 409);
    const parsed = readConsumerAnswer(answer.sdp, this.pendingMids);
    this.pendingMids = undefined;
    for (const mid of parsed.rejectedMids) {
      const sending = this.sendings.find((s) => s.section.mid === mid);
      // (a section the SFU stopped is answered inactive: it stays as it is)
      if (sending && carried(sending)) {
        sending.section.closed = true;
        sending.consumer.close();
      }
    }
    if (parsed.dtlsParameters) await this.connect(this.transport, parsed.dtlsParameters);
    if (this.transport.dtlsState === 'connected') this.resumeAll();
  }

  setVideoView(track: PublishedTrack, view: VideoView): void {
    this.views.set(track, view);
    const sending = this.sendings.find((s) => s.track === track && carried(s));
    if (sending) this.applyView(sending);
    this.updateFloor();
  }

  /** Round-trip time to the client, from the receiver reports of its video (else audio) streams. */
  protected override async streamStats(): Promise<Partial<TransportStats>> {
    const running = this.sendings.filter((s) => !s.consumer.closed && !s.consumer.paused);
    for (const kind of ['video', 'audio'] as const) {
      for (const { consumer } of running.filter((s) => s.consumer.kind === kind)) {
        for (const stat of await consumer.getStats()) {
          if (stat.type === 'outbound-rtp' && typeof stat.roundTripTime === 'number' && stat.roundTripTime > 0) return { rttMs: Math.round(stat.roundTripTime) };
        }
      }
    }
    return {};
  }

  async restartIce(): Promise<void> {
    if (this.closed) throw new ClientInputError('consumer connection is closed', 409);
    // no transport yet: its first offer has fresh credentials anyway
    if (this.transport) await this.transport.restartIce();
  }

  protected override onConnected(): void {
    if (!this.pendingMids) this.resumeAll();
  }

  protected onClose(): void {
    for (const { consumer } of this.sendings) if (!consumer.closed) consumer.close();
  }

  /** A paused consumer of `track` for the section `mid`; undefined when the client cannot decode it. */
  private async consume(transport: types.WebRtcTransport, track: MediasoupPublishedTrack, mid: string): Promise<Sending | undefined> {
    const rtpCapabilities = this.context.rtpCapabilities();
    const producerId = await this.context.producerOn(track, this.slot);
    if (!this.slot.router.canConsume({ producerId, rtpCapabilities })) {
      this.context.warn('the receiving client cannot decode a track: not sent', { peerId: this.peerId, remotePeerId: track.peerId, track: track.id });
      return undefined;
    }
    // a simulcast camera starts on its lowest layer: its first frames come fast; the client's view raises it
    const simulcast = track.producer.type === 'simulcast';
    const consumer = await transport.consume({
      producerId,
      rtpCapabilities,
      paused: true,
      mid,
      appData: { track: track.id },
      ...(simulcast && { preferredLayers: { spatialLayer: lowestSending(track.producer) } }),
    });
    track.addConsumer(consumer);
    const section: ConsumerSection = {
      mid,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      streamId: mediaStreamId(track.peerId, track.source),
      trackId: track.trackId ?? track.id,
    };
    // its producer closed (the publisher left): the section goes inactive
    consumer.observer.once('close', () => {
      if (!section.closed) section.stopped = true;
      this.updateFloor();
    });
    const sending: Sending = { track, consumer, section };
    if (simulcast) {
      // its lowest layer's small keyframe is the first picture; then the layer its view asks for
      consumer.on('layerschange', (layers) => {
        if (layers) this.followView(sending);
      });
    }
    return sending;
  }

  /** A view that is not shown pauses its consumer; a shown one resumes it (at once if running) on the layer for its size. */
  private applyView(sending: Sending): void {
    const view = this.views.get(sending.track);
    const { consumer } = sending;
    if (!view || consumer.closed) return;
    if (hidden(view)) {
      if (!consumer.paused) consumer.pause().catch(() => undefined);
      return;
    }
    if (consumer.type === 'simulcast' && this.flowing.has(consumer)) {
      const layers = sending.track.producer.rtpParameters.encodings?.length ?? 1;
      consumer.setPreferredLayers({ spatialLayer: layerFor(view.height, layers) }).catch(() => undefined);
    }
    if (consumer.paused && this.transport?.dtlsState === 'connected' && !this.pendingMids) this.resume(sending);
  }

  /** Its first layer flows (or never came): from now on its view picks the layer. */
  private followView(sending: Sending): void {
    if (sending.consumer.closed || this.flowing.has(sending.consumer)) return;
    this.flowing.add(sending.consumer);
    this.applyView(sending);
  }

  /** The transport's bandwidth floor follows the simulcast cameras the client shows (outgoingFloor). */
  private updateFloor(): void {
    const transport = this.transport;
    if (!transport || transport.closed) return;
    const cameras = this.sendings.filter((s) => {
      const view = this.views.get(s.track);
      return s.consumer.type === 'simulcast' && carried(s) && !(view && hidden(view));
    }).length;
    const floor = outgoingFloor(cameras);
    if (floor === this.floorBps) return;
    this.floorBps = floor;
    transport.setMinOutgoingBitrate(floor).catch(() => undefined);
  }

  private resume(sending: Sending): void {
    const { consumer } = sending;
    // no first layer yet a second later (the publisher stopped sending it?): the view's layer, whatever flows
    if (consumer.type === 'simulcast' && !this.flowing.has(consumer)) setTimeout(() => this.followView(sending), FIRST_LAYER_WAIT_MS).unref();
    consumer
      .resume()
      .then(() => (consumer.kind === 'video' ? consumer.requestKeyFrame() : undefined))
      .catch(() => undefined);
  }

  private resumeAll(): void {
    for (const sending of this.sendings) {
      const { consumer, track } = sending;
      if (!carried(sending)) continue;
      const view = this.views.get(track);
      if (view) this.applyView(sending);
      else if (consumer.paused) this.resume(sending);
    }
  }
}

/** Still sent: its section neither stopped by the SFU nor rejected by the client, its consumer open. */
const carried = ({ consumer, section }: Sending) => !section.closed && !section.stopped && !consumer.closed;

const hidden = (view: VideoView) => !view.visible || view.width === 0 || view.height === 0;

/** The lowest simulcast layer the publisher is sending now (a small camera sends fewer), else the lowest there is. */
function lowestSending(producer: types.Producer): number {
  const sending = producer.score.filter((s) => s.score > 0).map((s) => s.encodingIdx);
  return sending.length > 0 ? Math.min(...sending) : 0;
}
