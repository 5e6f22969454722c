/**
 * A client's one receiving connection on werift: the SFU offers a sendonly m-section per published
 * track it carries (each in the msid stream of its publisher, protocol/mediaStream.ts) and forwards
 * that track's RTP (a copy per consumer, see forwardCopy.ts); a track no longer carried stops
 * forwarding and its section goes inactive. NACKs are answered by werift's sender from its history of
 * those copies; PLI and FIR from the client come out as `keyframerequest`.
 */
import { MediaStream, type RTCPeerConnectionConfig, type RTCRtpSender, type RTCRtpTransceiver, type RtcpPacket, type RtpPacket } from 'werift';
import { mediaStreamId } from '../../../../protocol/mediaStream.ts';
import { ClientInputError } from '../../errors.ts';
import type { ConsumerConnection, ConsumerConnectionEvents, PublishedTrack, SessionDescription, VideoView } from '../MediaEngine.ts';
import { forwardCopy } from './forwardCopy.ts';
import type { GatherLock } from './gatherLock.ts';
import { checkSdp } from './sdpCheck.ts';
import { WeriftConnection } from './WeriftConnection.ts';
import { WeriftPublishedTrack } from './WeriftPublishedTrack.ts';

const PSFB = 206;
const FIR_FMT = 4;

interface Forwarding {
  track: WeriftPublishedTrack;
  transceiver: RTCRtpTransceiver;
  sender: RTCRtpSender;
  unsubscribe: () => void;
}

export class WeriftConsumerConnection extends WeriftConnection<ConsumerConnectionEvents> implements ConsumerConnection {
  private readonly forwardings = new Map<PublishedTrack, Forwarding>();
  private readonly streams = new Map<string, MediaStream>();
  /** Packets handed to this connection's senders (for stats and tests). */
  packetsForwarded = 0;
  /** Video tracks the client does not show: not forwarded until it does. */
  private readonly hidden = new Set<PublishedTrack>();

  constructor(peerId: string, config: RTCPeerConnectionConfig, gatherLock: GatherLock) {
    super(peerId, config, gatherLock);
  }

  async createOffer(tracks: readonly PublishedTrack[]): Promise<SessionDescription> {
    if (this.closed) throw new Error('consumer connection is closed');
    const wanted = new Set(tracks);
    for (const [track, forwarding] of this.forwardings) if (!wanted.has(track)) this.stop(track, forwarding);
    for (const track of tracks) {
      if (this.forwardings.has(track)) continue;
      if (!(track instanceof WeriftPublishedTrack)) throw new Error(`track ${track.id} does not belong to the werift engine`);
      this.forward(track);
    }
    const offer = await this.pc.createOffer();
    return { type: 'offer', sdp: await this.setLocal({ type: 'offer', sdp: offer.sdp }) };
  }

  async handleAnswer(answer: SessionDescription): Promise<void> {
    if (this.closed) throw new ClientInputError('consumer connection is closed', 409);
    if (answer.type !== 'answer') throw new ClientInputError('consumer description must be an answer (the SFU offers, the client answers)');
    const sdp = checkSdp(answer.sdp, 'answer');
    if (this.pc.signalingState !== 'have-local-offer') throw new ClientInputError('no consumer offer is waiting for an answer', 409);
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (error) {
      throw new ClientInputError(`answer rejected: ${(error as Error).message}`);
    }
  }

  /** werift has one layer: a view only pauses (hidden) or resumes a track, the resumed one from a keyframe. */
  setVideoView(track: PublishedTrack, view: VideoView): void {
    const hide = !view.visible || view.width === 0 || view.height === 0;
    if (hide) this.hidden.add(track);
    else if (this.hidden.delete(track) && this.forwardings.has(track)) this.emit('keyframerequest', track);
  }

  async restartIce(): Promise<void> {
    if (this.closed) throw new ClientInputError('consumer connection is closed', 409);
    this.pc.restartIce();
  }

  protected onClose(): void {
    for (const { unsubscribe } of this.forwardings.values()) unsubscribe();
    this.forwardings.clear();
  }

  /** The msid stream of a track: one per publisher for camera + microphone, one for its screen. */
  private streamOf(track: PublishedTrack): MediaStream {
    const id = mediaStreamId(track.peerId, track.source);
    let stream = this.streams.get(id);
    if (!stream) {
      stream = new MediaStream({ id });
      this.streams.set(id, stream);
    }
    return stream;
  }

  private forward(track: WeriftPublishedTrack): void {
    const transceiver = this.pc.addTransceiver(track.kind, { direction: 'sendonly', streams: [this.streamOf(track)] });
    const sender = transceiver.sender;
    const keyframe = () => {
      if (!this.closed && this.forwardings.get(track)?.sender === sender) this.emit('keyframerequest', track);
    };
    sender.onPictureLossIndication.subscribe(keyframe);
    sender.onRtcp.subscribe((packet: RtcpPacket) => {
      if (packet.type === PSFB && packet.feedback.count === FIR_FMT) keyframe();
    });
    const unsubscribe = track.addSink((rtp: RtpPacket) => {
      if (this.hidden.has(track)) return;
      this.packetsForwarded++;
      sender.sendRtp(forwardCopy(rtp)).catch(() => undefined);
    });
    this.forwardings.set(track, { track, transceiver, sender, unsubscribe });
  }

  /**
   * Stops forwarding a track; its section goes inactive in the next offer (not stopped: a stopped
   * section has port 0, and werift clients then fail every later offer that still lists it).
   */
  private stop(track: PublishedTrack, forwarding: Forwarding): void {
    forwarding.unsubscribe();
    this.forwardings.delete(track);
    forwarding.transceiver.setDirection('inactive');
  }
}
