/**
 * One client's receiving connection for one remote participant on werift: the SFU offers a sendonly
 * m-section per published track and forwards that track's RTP (a copy per consumer, see
 * forwardCopy.ts); NACKs are answered by werift's sender from its history of those copies; PLI and
 * FIR from the client come out as `keyframerequest`.
 */
import { MediaStream, type RTCPeerConnectionConfig, type RTCRtpSender, type RtcpPacket, type RtpPacket } from 'werift';
import { ClientInputError } from '../../errors.ts';
import type { ConsumerConnection, ConsumerConnectionEvents, PublishedTrack, SessionDescription } from '../MediaEngine.ts';
import { forwardCopy } from './forwardCopy.ts';
import type { GatherLock } from './gatherLock.ts';
import { checkSdp } from './sdpCheck.ts';
import { WeriftConnection } from './WeriftConnection.ts';
import { WeriftPublishedTrack } from './WeriftPublishedTrack.ts';

const PSFB = 206;
const FIR_FMT = 4;

interface Forwarding {
  track: WeriftPublishedTrack;
  sender: RTCRtpSender;
  unsubscribe: () => void;
}

export class WeriftConsumerConnection extends WeriftConnection<ConsumerConnectionEvents> implements ConsumerConnection {
  readonly remotePeerId: string;
  private readonly forwardings = new Map<string, Forwarding>();
  private readonly stream: MediaStream;
  /** Packets handed to this connection's senders (for stats and tests). */
  packetsForwarded = 0;

  constructor(peerId: string, remotePeerId: string, config: RTCPeerConnectionConfig, gatherLock: GatherLock) {
    super(peerId, config, gatherLock);
    this.remotePeerId = remotePeerId;
    this.stream = new MediaStream({ id: remotePeerId });
  }

  async createOffer(tracks: readonly PublishedTrack[]): Promise<SessionDescription> {
    if (this.closed) throw new Error('consumer connection is closed');
    for (const track of tracks) {
      if (this.forwardings.has(track.id)) continue;
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

  protected onClose(): void {
    for (const { unsubscribe } of this.forwardings.values()) unsubscribe();
    this.forwardings.clear();
  }

  private forward(track: WeriftPublishedTrack): void {
    const transceiver = this.pc.addTransceiver(track.kind, { direction: 'sendonly', streams: [this.stream] });
    const sender = transceiver.sender;
    const keyframe = () => {
      if (!this.closed) this.emit('keyframerequest', track);
    };
    sender.onPictureLossIndication.subscribe(keyframe);
    sender.onRtcp.subscribe((packet: RtcpPacket) => {
      if (packet.type === PSFB && packet.feedback.count === FIR_FMT) keyframe();
    });
    const unsubscribe = track.addSink((rtp: RtpPacket) => {
      this.packetsForwarded++;
      sender.sendRtp(forwardCopy(rtp)).catch(() => undefined);
    });
    this.forwardings.set(track.id, { track, sender, unsubscribe });
  }
}
