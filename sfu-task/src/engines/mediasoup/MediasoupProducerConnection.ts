/**
 * A client's publishing connection on mediasoup: the client offers, the SDP bridge turns each
 * sending section into a Producer on the room router and answers (ICE-lite, passive, recvonly, the
 * accepted codec only, rejected sections with port 0). The client's RTP capabilities, read from this
 * offer, are what its consumers are built for.
 */
import type { types } from 'mediasoup';
import { ClientInputError } from '../../errors.ts';
import { type ConnectionEvents, type ProducerConnection, type PublishedTrack, type SessionDescription, type TransportStats, trackSource } from '../MediaEngine.ts';
import { MediasoupConnection } from './MediasoupConnection.ts';
import { MediasoupPublishedTrack } from './MediasoupPublishedTrack.ts';
import { writePublishAnswer } from './sdp/publishAnswer.ts';
import { readPublishOffer } from './sdp/publishOffer.ts';
import { rtpCapabilitiesFromSdp } from './sdp/remoteCapabilities.ts';
import type { WorkerSlot } from './WorkerSlot.ts';

export class MediasoupProducerConnection extends MediasoupConnection<ConnectionEvents> implements ProducerConnection {
  private readonly published = new Map<string, MediasoupPublishedTrack>();
  private negotiating = false;
  /** The client's ICE username fragment of the last offer: a new one is an ICE restart. */
  private remoteUfrag: string | undefined;
  /** The client's receive capabilities in the router's terms (from its latest offer). */
  rtpCapabilities: types.RtpCapabilities | undefined;

  constructor(
    peerId: string,
    slot: WorkerSlot,
    /** A track was published (the engine adds microphones to its speaker observer). */
    private readonly onPublished: (track: MediasoupPublishedTrack) => void = () => undefined,
  ) {
    super(peerId, slot);
  }

  get tracks(): readonly MediasoupPublishedTrack[] {
    return [...this.published.values()];
  }

  async handleOffer(offer: SessionDescription): Promise<SessionDescription> {
    if (this.closed) throw new ClientInputError('producer connection is closed', 409);
    if (offer.type !== 'offer') throw new ClientInputError('producer description must be an offer (the client offers, the SFU answers)');
    if (this.negotiating) throw new ClientInputError('producer offer while a negotiation is in progress', 409);
    this.negotiating = true;
    try {
      const routerCaps = this.slot.router.rtpCapabilities;
      const parsed = readPublishOffer(offer.sdp, routerCaps);
      const restarting = this.transport !== undefined;
      const transport = await this.ensureTransport();
      await this.connect(transport, parsed.dtlsParameters);
      const ufrag = iceUfragOf(parsed.session);
      // the client restarted ICE (its path broke): new credentials on our side too, DTLS stays
      if (restarting && ufrag !== undefined && this.remoteUfrag !== undefined && ufrag !== this.remoteUfrag) await transport.restartIce();
      this.remoteUfrag = ufrag;
      for (const section of parsed.sections) {
        if (section.action !== 'produce' || this.published.has(section.mid)) continue;
        let producer: types.Producer;
        try {
          producer = await transport.produce({ kind: section.kind, rtpParameters: section.rtpParameters, appData: { mid: section.mid, peerId: this.peerId } });
        } catch (error) {
          if (error instanceof TypeError || (error as Error).name === 'UnsupportedError') {
            throw new ClientInputError(`offer section ${section.mid} rejected by mediasoup: ${(error as Error).message}`);
          }
          throw error;
        }
        const source = trackSource(section.kind, this.tracks.filter((t) => t.kind === 'video').length);
        const published = new MediasoupPublishedTrack(this.peerId, `${this.peerId}:${section.mid}`, producer, section.trackId, source);
        this.published.set(section.mid, published);
        this.onPublished(published);
      }
      this.rtpCapabilities = rtpCapabilitiesFromSdp(parsed.session, routerCaps);
      const sdp = writePublishAnswer(parsed, this.describe(transport), { sessionId: this.sessionId, version: ++this.sdpVersion });
      return { type: 'answer', sdp };
    } finally {
      this.negotiating = false;
    }
  }

  /** The worst loss of the client's media on the way in (RTCP fraction lost of its streams). */
  protected override async streamStats(): Promise<Partial<TransportStats>> {
    let worst: number | undefined;
    for (const track of this.published.values()) {
      if (track.closed) continue;
      for (const stat of await track.producer.getStats()) {
        if (stat.type === 'inbound-rtp' && typeof stat.fractionLost === 'number') worst = Math.max(worst ?? 0, stat.fractionLost);
      }
    }
    return worst === undefined ? {} : { lossPercent: Math.round((worst / 256) * 1000) / 10 };
  }

  requestKeyframe(track: PublishedTrack): void {
    for (const published of this.published.values()) if (published.id === track.id) published.requestKeyframe();
  }

  protected onClose(): void {
    for (const track of this.published.values()) track.close();
  }
}

/** The offer's ICE username fragment (session level, or its first section's). */
function iceUfragOf(session: ReturnType<typeof readPublishOffer>['session']): string | undefined {
  return session.iceUfrag ?? session.media.find((m) => m.iceUfrag)?.iceUfrag;
}
