/**
 * A receiving connection for one remote participant: the SFU offers (again when that participant
 * publishes more, e.g. a screen), the client answers. Its first video track is the camera, a later
 * one the screen.
 */
import { PeerLink, type SendHandshake } from './PeerLink.ts';

export class ConsumerLink extends PeerLink {
  readonly kind = 'consumer' as const;
  readonly camera = new MediaStream();
  readonly screen = new MediaStream();
  private videoTracks = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    iceServers: RTCIceServer[],
    send: SendHandshake,
    readonly remotePeerId: string,
    onTracks: () => void,
  ) {
    super(iceServers, send, { remotePeerId });
    this.pc.ontrack = (e) => {
      if (e.track.kind === 'video' && this.videoTracks++ > 0) this.screen.addTrack(e.track);
      else this.camera.addTrack(e.track);
      onTracks();
    };
  }

  handleOffer(description: RTCSessionDescriptionInit): Promise<void> {
    this.queue = this.queue.then(async () => {
      await this.pc.setRemoteDescription(description);
      await this.flushEarlyCandidates();
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.send({ ...this.base(), description: { type: 'answer', sdp: this.pc.localDescription!.sdp } });
    });
    return this.queue;
  }
}
