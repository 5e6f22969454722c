/**
 * The room's side of one consumer connection (client `peerId` receiving `remotePeerId`'s media):
 * offers out (one at a time; tracks published meanwhile are offered once the answer is in), answers
 * in, local candidates gated behind the offer.
 */
import type { ConsumerConnection, IceCandidate, PublishedTrack, SessionDescription } from '../engines/MediaEngine.ts';
import { ClientInputError } from '../errors.ts';
import { CandidateGate } from './CandidateGate.ts';
import { SerialQueue } from './SerialQueue.ts';
import type { LinkContext } from './types.ts';

export class ConsumerLink {
  private readonly gate: CandidateGate;
  private readonly queue = new SerialQueue();
  private readonly offered = new Set<string>();
  private awaitingAnswer = false;
  private wanted: readonly PublishedTrack[] = [];
  private closed = false;
  private readonly sendOffer: (description: SessionDescription) => void;

  constructor(
    readonly peerId: string,
    readonly remotePeerId: string,
    readonly connection: ConsumerConnection,
    context: LinkContext,
  ) {
    const frame = { type: 'consumer' as const, sender: context.sfuId, receiver: peerId, remotePeerId, roomId: context.roomId };
    this.gate = new CandidateGate((candidate) => context.send({ ...frame, candidate }));
    connection.on('candidate', (candidate) => this.gate.push(candidate));
    this.sendOffer = (description) => context.send({ ...frame, description });
  }

  /** Tracks this connection should carry (the remote participant's published tracks, all of them). */
  sync(tracks: readonly PublishedTrack[]): Promise<void> {
    this.wanted = tracks;
    return this.queue.run(() => this.offerIfNeeded());
  }

  handleAnswer(answer: SessionDescription): Promise<void> {
    return this.queue.run(async () => {
      if (!this.awaitingAnswer) throw new ClientInputError('no consumer offer is waiting for an answer', 409);
      await this.connection.handleAnswer(answer);
      this.awaitingAnswer = false;
      await this.offerIfNeeded();
    });
  }

  addRemoteCandidate(candidate: IceCandidate | null): Promise<void> {
    return this.connection.addRemoteCandidate(candidate);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.connection.close();
  }

  private async offerIfNeeded(): Promise<void> {
    if (this.closed || this.awaitingAnswer) return;
    const tracks = this.wanted;
    if (tracks.length === 0 || tracks.every((t) => this.offered.has(t.id))) return;
    const offer = await this.connection.createOffer(tracks);
    if (this.closed) return;
    for (const track of tracks) this.offered.add(track.id);
    this.awaitingAnswer = true;
    this.sendOffer(offer);
    this.gate.open();
  }
}
