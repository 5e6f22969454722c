/**
 * The publishing connection: the client offers its microphone, camera and (when shared) screen, the
 * SFU answers. Senders are kept, so that mute, camera off and device changes are `replaceTrack`s
 * without renegotiation; adding the screen the first time renegotiates once.
 */
import { markJoin } from '../call/joinTimeline.ts';
import { PeerLink, type SendHandshake } from './PeerLink.ts';

/** How long an offer waits for its answer before the next one may go (the SFU answers or errs well before). */
const ANSWER_TIMEOUT_MS = 10_000;

export class ProducerLink extends PeerLink {
  readonly kind = 'producer' as const;
  private audio: RTCRtpSender | undefined;
  private video: RTCRtpSender | undefined;
  private screen: RTCRtpSender | undefined;
  private negotiating: Promise<void> = Promise.resolve();
  /** Resolves when the offer in flight is answered (or given up on). */
  private answered: Promise<void> = Promise.resolve();
  private onAnswered: (() => void) | undefined;

  constructor(iceServers: RTCIceServer[], send: SendHandshake) {
    super(iceServers, send, {});
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
    markJoin('publish-answered');
    this.onAnswered?.();
    await this.flushEarlyCandidates();
  }

  /** The SFU refused the offer in flight: the next one may go. */
  answerRefused(): void {
    this.onAnswered?.();
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

  /** New ICE credentials on the next offer (the call's connection watch decides when). */
  async restartIce(): Promise<void> {
    this.pc.restartIce();
    await this.offer();
  }

  private offer(): Promise<void> {
    this.negotiating = this.negotiating.then(async () => {
      // one offer at a time: the previous one's answer first
      await this.answered;
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      this.answered = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ANSWER_TIMEOUT_MS);
        this.onAnswered = () => {
          clearTimeout(timer);
          this.onAnswered = undefined;
          resolve();
        };
      });
      this.send({ ...this.base(), description: { type: 'offer', sdp: this.pc.localDescription!.sdp } });
      markJoin('publish-offer-sent');
    });
    return this.negotiating;
  }
}
