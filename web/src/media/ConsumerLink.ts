/**
 * The one receiving connection: every other participant's media arrives on it. The SFU offers (again
 * whenever someone's tracks come or go), the client answers, one offer at a time. Each track's msid
 * stream names its publisher (protocol/mediaStream.ts): a participant's camera and microphone go into
 * one MediaStream, its screen into another. A section the SFU stops takes its track out again.
 */
import { parseMediaStreamId } from '../../../protocol/mediaStream.ts';
import { markJoin } from '../call/joinTimeline.ts';
import { PeerLink, type SendHandshake } from './PeerLink.ts';

export class ConsumerLink extends PeerLink {
  readonly kind = 'consumer' as const;
  private readonly cameras = new Map<string, MediaStream>();
  private readonly screens = new Map<string, MediaStream>();
  /** Receiver track -> whose stream it is in. */
  private readonly owners = new Map<MediaStreamTrack, { peerId: string; screen: boolean }>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    iceServers: RTCIceServer[],
    send: SendHandshake,
    /** A participant's streams changed. */
    private readonly onTracks: (peerId: string) => void,
  ) {
    super(iceServers, send, {});
    this.pc.ontrack = (e) => {
      const owner = e.streams[0] ? parseMediaStreamId(e.streams[0].id) : undefined;
      if (!owner) return;
      const streams = owner.screen ? this.screens : this.cameras;
      let stream = streams.get(owner.peerId);
      if (!stream) {
        stream = new MediaStream();
        streams.set(owner.peerId, stream);
      }
      stream.addTrack(e.track);
      this.owners.set(e.track, owner);
      this.onTracks(owner.peerId);
    };
    this.pc.oniceconnectionstatechange = () => {
      if (this.pc.iceConnectionState === 'connected' || this.pc.iceConnectionState === 'completed') markJoin('ice-connected');
    };
    this.pc.onconnectionstatechange = () => {
      // "connected": ICE and DTLS are both up
      if (this.pc.connectionState === 'connected') markJoin('dtls-connected');
    };
  }

  /** A participant's camera and microphone, if any track of theirs arrived. */
  camera(peerId: string): MediaStream | undefined {
    return this.cameras.get(peerId);
  }

  screen(peerId: string): MediaStream | undefined {
    return this.screens.get(peerId);
  }

  /** Whose a received track is, by the track's id (as getStats names it). */
  ownerOfTrack(trackId: string): string | undefined {
    for (const [track, owner] of this.owners) if (track.id === trackId) return owner.peerId;
    return undefined;
  }

  /** Every participant's microphone that arrives, by participant id. */
  audioTracks(): Map<string, MediaStreamTrack> {
    const tracks = new Map<string, MediaStreamTrack>();
    for (const [peerId, stream] of this.cameras) {
      const audio = stream.getAudioTracks()[0];
      if (audio) tracks.set(peerId, audio);
    }
    return tracks;
  }

  handleOffer(description: RTCSessionDescriptionInit): Promise<void> {
    markJoin('subscribe-offer-received');
    this.queue = this.queue.then(async () => {
      await this.pc.setRemoteDescription(description);
      await this.flushEarlyCandidates();
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.send({ ...this.base(), description: { type: 'answer', sdp: this.pc.localDescription!.sdp } });
      markJoin('subscribe-answered');
      this.dropStopped();
    });
    return this.queue;
  }

  /** A participant left: its streams go. */
  forget(peerId: string): void {
    for (const [track, owner] of this.owners) if (owner.peerId === peerId) this.owners.delete(track);
    this.cameras.delete(peerId);
    this.screens.delete(peerId);
  }

  /** Tracks of sections the SFU stopped (rejected or inactive) leave their streams. */
  private dropStopped(): void {
    const changed = new Set<string>();
    for (const transceiver of this.pc.getTransceivers()) {
      const live = transceiver.currentDirection === 'recvonly' || transceiver.currentDirection === 'sendrecv';
      const track = transceiver.receiver.track;
      const owner = this.owners.get(track);
      if (live || !owner) continue;
      this.owners.delete(track);
      const streams = owner.screen ? this.screens : this.cameras;
      const stream = streams.get(owner.peerId);
      stream?.removeTrack(track);
      if (stream && stream.getTracks().length === 0) streams.delete(owner.peerId);
      changed.add(owner.peerId);
    }
    for (const peerId of changed) this.onTracks(peerId);
  }
}
