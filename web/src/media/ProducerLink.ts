/**
 * The publishing connection: the client offers its microphone, camera and (when shared) screen, the
 * SFU answers. Senders are kept, so that mute, camera off and device changes are `replaceTrack`s
 * without renegotiation; adding the screen the first time renegotiates once.
 *
 * The camera goes out as three simulcast layers (a quarter, half and full size: 180p, 360p and 720p
 * for a 720p camera) for an SFU that forwards layers (mediasoup); one that does not (werift) accepts
 * the full-size layer only, and the browser sends just that one. An answer without simulcast at all
 * leaves the browser the first encoding only, which is then lifted to full size (`single()`). The screen is one layer, full size, at a low frame rate and a high priority, so
 * camera video never starves it.
 */
import { markJoin } from '../call/joinTimeline.ts';
import { PeerLink, type SendHandshake } from './PeerLink.ts';

/** How long an offer waits for its answer before the next one may go (the SFU answers or errs well before). */
const ANSWER_TIMEOUT_MS = 10_000;

/** The camera's simulcast layers, lowest first (the order mediasoup numbers spatial layers in). */
export const CAMERA_LAYERS: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

const SCREEN_ENCODING: RTCRtpEncodingParameters = { maxFramerate: 5, maxBitrate: 2_500_000, priority: 'high', networkPriority: 'high' };

export class ProducerLink extends PeerLink {
  readonly kind = 'producer' as const;
  private audio: RTCRtpSender | undefined;
  private video: RTCRtpSender | undefined;
  private screen: RTCRtpSender | undefined;
  private negotiating: Promise<void> = Promise.resolve();
  /** Resolves when the offer in flight is answered (or given up on). */
  private answered: Promise<void> = Promise.resolve();
  private onAnswered: (() => void) | undefined;

  constructor(
    iceServers: RTCIceServer[],
    send: SendHandshake,
    /** Offer the camera in simulcast layers (off: one full-size encoding, as without an SFU that forwards layers). */
    private readonly simulcast = true,
  ) {
    super(iceServers, send, {});
  }

  /** Offers audio and video (a missing device still gets its m-line, so it can be added later). */
  async start(stream: MediaStream, audio: MediaStreamTrack | undefined, video: MediaStreamTrack | undefined): Promise<void> {
    this.audio = this.pc.addTransceiver(audio ?? 'audio', { direction: 'sendonly', streams: [stream] }).sender;
    this.video = this.pc.addTransceiver(video ?? 'video', {
      direction: 'sendonly',
      streams: [stream],
      ...(this.simulcast && { sendEncodings: CAMERA_LAYERS.map((l) => ({ ...l })) }),
    }).sender;
    await this.offer();
  }

  /** The camera's layers the SFU accepted (1 without simulcast). */
  get cameraLayers(): number {
    return this.video?.getParameters().encodings.length ?? 0;
  }

  handleAnswer(description: RTCSessionDescriptionInit): Promise<void> {
    return this.inOrder(async () => {
      if (this.pc.signalingState !== 'have-local-offer') return;
      await this.pc.setRemoteDescription(description);
      markJoin('publish-answered');
      await this.single();
      this.onAnswered?.();
      await this.flushEarlyCandidates();
    });
  }

  /** The SFU refused the offer in flight: the next one may go. */
  answerRefused(): void {
    this.onAnswered?.();
  }

  /**
   * The SFU took one camera encoding (it answered without simulcast): the browser keeps the first,
   * the quarter-size layer, so it goes to full size and rate.
   */
  private async single(): Promise<void> {
    const sender = this.video;
    if (!sender || !this.simulcast) return;
    const parameters = sender.getParameters();
    const [only, ...more] = parameters.encodings;
    if (!only || more.length > 0 || (only.scaleResolutionDownBy ?? 1) === 1) return;
    only.scaleResolutionDownBy = 1;
    only.maxBitrate = CAMERA_LAYERS.at(-1)!.maxBitrate;
    await sender.setParameters(parameters).catch((error: unknown) => console.warn('could not lift the camera to full size', error));
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
    // text and slides: sharp rather than smooth
    if ('contentHint' in track) track.contentHint = 'detail';
    this.screen = this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream], sendEncodings: [{ ...SCREEN_ENCODING }] }).sender;
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
    });
    return this.negotiating;
  }
}
