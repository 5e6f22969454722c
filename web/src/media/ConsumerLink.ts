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

  constructor(
    iceServers: RTCIceServer[],
    send: SendHandshake,
    /** A participant's streams changed. */
    private readonly onTracks: (peerId: string) => void,
  ) {
    super(iceServers, send, {});
    this.pc.ontrack = (e) => {
      const owner = e.streams[0] ? parseMediaStreamId(e.streams[0].id) : undefined;
      if (owner) this.assign(e.track, owner);
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
    return this.inOrder(async () => {
      await this.pc.setRemoteDescription(description);
      await this.flushEarlyCandidates();
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.send({ ...this.base(), description: { type: 'answer', sdp: this.pc.localDescription!.sdp } });
      markJoin('subscribe-answered');
      this.dropStopped();
      this.reassignRecycled();
    });
  }

  /** A participant left: its streams go. */
  forget(peerId: string): void {
    for (const [track, owner] of this.owners) if (owner.peerId === peerId) this.owners.delete(track);
    this.cameras.delete(peerId);
    this.screens.delete(peerId);
  }

  /** Puts a received track in its publisher's camera or screen stream (out of another's, if it was). */
  private assign(track: MediaStreamTrack, owner: { peerId: string; screen: boolean }): void {
    const before = this.owners.get(track);
    if (before && before.peerId === owner.peerId && before.screen === owner.screen) return;
    if (before) this.release(track, before);
    const streams = owner.screen ? this.screens : this.cameras;
    let stream = streams.get(owner.peerId);
    if (!stream) {
      stream = new MediaStream();
      streams.set(owner.peerId, stream);
    }
    stream.addTrack(track);
    this.owners.set(track, owner);
    this.onTracks(owner.peerId);
  }

  private release(track: MediaStreamTrack, owner: { peerId: string; screen: boolean }): void {
    this.owners.delete(track);
    const streams = owner.screen ? this.screens : this.cameras;
    const stream = streams.get(owner.peerId);
    stream?.removeTrack(track);
    if (stream && stream.getTracks().length === 0) streams.delete(owner.peerId);
    this.onTracks(owner.peerId);
  }

  /**
   * A section the SFU gives to another publisher (a recycled m-line) may fire no track event: each
   * live section's msid in the offer says whose its track is now.
   */
  private reassignRecycled(): void {
    const sdp = this.pc.remoteDescription?.sdp ?? '';
    const msidByMid = new Map<string, string>();
    for (const section of sdp.split(/\r?\nm=/).slice(1)) {
      const mid = /\na=mid:(\S+)/.exec(section)?.[1];
      const msid = /\na=msid:(\S+)/.exec(section)?.[1];
      if (mid && msid) msidByMid.set(mid, msid);
    }
    for (const transceiver of this.pc.getTransceivers()) {
      const live = transceiver.currentDirection === 'recvonly' || transceiver.currentDirection === 'sendrecv';
      const streamId = transceiver.mid ? msidByMid.get(transceiver.mid) : undefined;
      const owner = live && streamId ? parseMediaStreamId(streamId) : undefined;
      if (owner) this.assign(transceiver.receiver.track, owner);
    }
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
