/**
 * The room's side of one client's publishing connection: offers in order, answers out, local
 * candidates gated behind the answer, keyframe requests throttled.
 */
import type { IceCandidate, ProducerConnection, PublishedTrack, SessionDescription } from '../engines/MediaEngine.ts';
import { ClientInputError } from '../errors.ts';
import { CandidateGate } from './CandidateGate.ts';
import { KeyframeThrottle } from './KeyframeThrottle.ts';
import { SerialQueue } from './SerialQueue.ts';
import type { LinkContext } from './types.ts';

/** Remote candidates accepted before the first offer (they may overtake it on the relay). */
const MAX_EARLY_CANDIDATES = 64;

export class ProducerLink {
  private readonly gate: CandidateGate;
  private readonly queue = new SerialQueue();
  private readonly keyframes: KeyframeThrottle<PublishedTrack>;
  private negotiated = false;
  private earlyCandidates = 0;

  constructor(
    readonly peerId: string,
    readonly connection: ProducerConnection,
    context: LinkContext,
    keyframeMinIntervalMs: number,
  ) {
    const frame = { type: 'producer' as const, sender: context.sfuId, receiver: peerId, roomId: context.roomId };
    this.gate = new CandidateGate((candidate) => context.send({ ...frame, candidate }));
    connection.on('candidate', (candidate) => this.gate.push(candidate));
    this.keyframes = new KeyframeThrottle((track) => connection.requestKeyframe(track), keyframeMinIntervalMs);
    this.sendAnswer = (description) => context.send({ ...frame, description });
  }

  private readonly sendAnswer: (description: SessionDescription) => void;

  get tracks(): readonly PublishedTrack[] {
    return this.connection.tracks;
  }

  get hasNegotiated(): boolean {
    return this.negotiated;
  }

  /** Applies the offer, sends the answer, then the held candidates. Resolves to the tracks now published. */
  handleOffer(offer: SessionDescription): Promise<readonly PublishedTrack[]> {
    return this.queue.run(async () => {
      const undo = this.gate.hold();
      let answer: SessionDescription;
      try {
        answer = await this.connection.handleOffer(offer);
      } catch (error) {
        undo();
        throw error;
      }
      this.negotiated = true;
      this.sendAnswer(answer);
      this.gate.open();
      return this.connection.tracks;
    });
  }

  async addRemoteCandidate(candidate: IceCandidate | null): Promise<void> {
    if (!this.negotiated && ++this.earlyCandidates > MAX_EARLY_CANDIDATES) {
      throw new ClientInputError(`more than ${MAX_EARLY_CANDIDATES} producer candidates before an offer`);
    }
    await this.connection.addRemoteCandidate(candidate);
  }

  requestKeyframe(track: PublishedTrack): void {
    this.keyframes.request(track);
  }

  close(): void {
    this.keyframes.close();
    this.connection.close();
  }
}
