/**
 * The publishing connection: the client offers its microphone, camera and (when shared) screen, the
 * SFU answers. Senders are kept, so that mute, camera off and device changes are `replaceTrack`s
 * without renegotiation; adding the screen the first time renegotiates once.
 */
import { PeerLink, type SendHandshake } from './PeerLink.ts';

export class ProducerLink extends PeerLink {
  readonly kind = 'producer' as const;
  private audio: RTCRtpSender | undefined;
  private video: RTCRtpSender | undefined;
  private screen: RTCRtpSender | undefined;
  private negotiating: Promise<void> = Promise.resolve();

  constructor(iceServers: RTCIceServer[], send: SendHandshake) {
    super(iceServers, send, {});
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'failed') void this.restartIce();
    };
  }

  /** Offers audio and video (a missing device still gets its m-line, so it can be added later). */
  async start(stream: MediaStream, audio: MediaStreamTrack | undefined, video: MediaStreamTrack | undefined): Promise<void> {
    this.audio = this.pc.addTransceiver(audio ?? 'audio', { direction: 'sendonly', streams: [stream] }).sender;
    this.video = this.pc.addTransceiver(video ?? 'video', { direction: 'sendonly', streams: [stream] }).sender;
    await this.offer();
  }

  async handleAnswer(description: RTCSessionDescriptionInit): Promise<void> {
    if (this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setRemoteDescription(description);
    await this.flushEarlyCandidates();
  }

  async replace(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    await (kind === 'audio' ? this.audio : this.video)?.replaceTrack(track);
  }

  /** Starts (or resumes) sending the screen; renegotiates only the first time. */
  async shareScreen(track: MediaStreamTrack, stream: MediaStream): Promise<void> {
    if (this.screen) {
      await this.screen.replaceTrack(track);
      return;
    }
    this.screen = this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] }).sender;
    await this.offer();
  }

  async stopScreen(): Promise<void> {
    await this.screen?.replaceTrack(null);
  }

  async restartIce(): Promise<void> {
    this.pc.restartIce();
    await this.offer();
  }

  private offer(): Promise<void> {
    this.negotiating = this.negotiating.then(async () => {
      // one offer at a time: wait for the previous answer
      for (let i = 0; i < 100 && this.pc.signalingState === 'have-local-offer'; i++) await new Promise((r) => setTimeout(r, 50));
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      this.send({ ...this.base(), description: { type: 'offer', sdp: this.pc.localDescription!.sdp } });
    });
    return this.negotiating;
  }
}
