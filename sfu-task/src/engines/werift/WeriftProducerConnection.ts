/**
 * A client's publishing connection on werift: the client offers (audio, video, later more), the SFU
 * answers; each sending m-section becomes a WeriftPublishedTrack.
 */
import type { RTCPeerConnectionConfig, RTCRtpTransceiver, RTCTrackEvent } from 'werift';
import { ClientInputError } from '../../errors.ts';
import { type ConnectionEvents, type ProducerConnection, type PublishedTrack, type SessionDescription, trackSource } from '../MediaEngine.ts';
import type { GatherLock } from './gatherLock.ts';
import { checkSdp } from './sdpCheck.ts';
import { WeriftConnection } from './WeriftConnection.ts';
import { WeriftPublishedTrack } from './WeriftPublishedTrack.ts';

export class WeriftProducerConnection extends WeriftConnection<ConnectionEvents> implements ProducerConnection {
  private readonly published = new Map<RTCRtpTransceiver, WeriftPublishedTrack>();

  constructor(peerId: string, config: RTCPeerConnectionConfig, gatherLock: GatherLock) {
    super(peerId, config, gatherLock);
    this.pc.ontrack = (event: RTCTrackEvent) => this.onRemoteTrack(event);
  }

  get tracks(): readonly WeriftPublishedTrack[] {
    return [...this.published.values()];
  }

  async handleOffer(offer: SessionDescription): Promise<SessionDescription> {
    if (this.closed) throw new ClientInputError('producer connection is closed', 409);
    if (offer.type !== 'offer') throw new ClientInputError('producer description must be an offer (the client offers, the SFU answers)');
    const sdp = topSimulcastLayer(checkSdp(offer.sdp, 'offer'));
    if (this.pc.signalingState !== 'stable') throw new ClientInputError('producer offer while a negotiation is in progress', 409);
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
    } catch (error) {
      throw new ClientInputError(`offer rejected: ${(error as Error).message}`);
    }
    const answer = await this.pc.createAnswer();
    return { type: 'answer', sdp: await this.setLocal({ type: 'answer', sdp: answer.sdp }) };
  }

  requestKeyframe(track: PublishedTrack): void {
    for (const published of this.published.values()) if (published.id === track.id) published.requestKeyframe();
  }

  protected onClose(): void {
    for (const track of this.published.values()) track.close();
  }

  private onRemoteTrack(event: RTCTrackEvent): void {
    const { transceiver, track } = event;
    if (this.published.has(transceiver)) return; // renegotiation reports existing tracks again
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    const ssrc = transceiver.receiver.trackBySSRC ? Number(Object.keys(transceiver.receiver.trackBySSRC)[0]) : NaN;
    const id = `${this.peerId}:${transceiver.mid ?? this.published.size}`;
    const source = trackSource(kind, this.tracks.filter((t) => t.kind === 'video').length);
    this.published.set(
      transceiver,
      new WeriftPublishedTrack(this.peerId, id, kind, track, transceiver.receiver, Number.isFinite(ssrc) ? ssrc : undefined, source),
    );
  }
}

/**
 * The offer with its simulcast layers cut down to the last one (the web client lists them lowest
 * first, so that is the full-size one): werift forwards one stream per track, so its answer accepts
 * that layer only and the browser stops sending the others. werift finds that layer's packets by
 * their RID header extension (the offer has no SSRCs for simulcast video), so that stays.
 */
export function topSimulcastLayer(sdp: string): string {
  const sections = sdp.split(/\r\n(?=m=)/);
  return sections
    .map((section) => {
      const simulcast = /^a=simulcast:send (\S+)/m.exec(section);
      if (!simulcast) return section;
      const rids = simulcast[1]!.split(';').flatMap((alternatives) => alternatives.split(','));
      const top = rids.at(-1)!.replace(/^~/, '');
      return section
        .split('\r\n')
        .filter((line) => !line.startsWith('a=rid:') || line.startsWith(`a=rid:${top} `))
        .map((line) => (line.startsWith('a=simulcast:') ? `a=simulcast:send ${top}` : line))
        .join('\r\n');
    })
    .join('\r\n');
}
