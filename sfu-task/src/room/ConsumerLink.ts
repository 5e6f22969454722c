/**
 * The room's side of a client's one receiving connection: it carries every other participant's
 * tracks. Offers go out one at a time (the SFU always offers on this connection, so there is no
 * glare): what changes while an offer waits for its answer is offered once the answer is in. Local
 * candidates are gated behind the first offer.
 */
import type { VideoView } from '../../../protocol/index.ts';
import type { ConsumerConnection, IceCandidate, PublishedTrack, SessionDescription } from '../engines/MediaEngine.ts';
import { ClientInputError } from '../errors.ts';
import { CandidateGate } from './CandidateGate.ts';
import { SerialQueue } from './SerialQueue.ts';
import type { LinkContext } from './types.ts';

export interface ConsumerLinkEvents {
  /** The client answered an offer that added these tracks: they are negotiated now. */
  negotiated: (added: readonly PublishedTrack[]) => void;
}

export class ConsumerLink {
  private readonly gate: CandidateGate;
  private readonly queue = new SerialQueue();
  /** Tracks of the offer waiting for its answer (undefined: none is waiting). */
  private pending: readonly PublishedTrack[] | undefined;
  /** Tracks of the last answered offer. */
  private answered: readonly PublishedTrack[] = [];
  private wanted: readonly PublishedTrack[] = [];
  /** An offer is due even if the tracks are the same (an ICE restart). */
  private offerDue = false;
  /** How the client last said it shows each remote video. */
  private views: readonly VideoView[] = [];
  private closed = false;
  private readonly sendOffer: (description: SessionDescription) => void;

  constructor(
    readonly peerId: string,
    readonly connection: ConsumerConnection,
    context: LinkContext,
    private readonly events: ConsumerLinkEvents,
  ) {
    const frame = { type: 'consumer' as const, sender: context.sfuId, receiver: peerId, roomId: context.roomId };
    this.gate = new CandidateGate((candidate) => context.send({ ...frame, candidate }));
    connection.on('candidate', (candidate) => this.gate.push(candidate));
    this.sendOffer = (description) => context.send({ ...frame, description });
  }

  /** Tracks this connection should carry now (every other participant's). */
  sync(tracks: readonly PublishedTrack[]): Promise<void> {
    this.wanted = tracks;
    return this.queue.run(() => this.offerIfNeeded());
  }

  handleAnswer(answer: SessionDescription): Promise<void> {
    return this.queue.run(async () => {
      const offered = this.pending;
      if (!offered) throw new ClientInputError('no consumer offer is waiting for an answer', 409);
      await this.connection.handleAnswer(answer);
      this.pending = undefined;
      const before = new Set(this.answered);
      this.answered = offered;
      const added = offered.filter((t) => !before.has(t));
      if (added.length > 0) this.events.negotiated(added);
      await this.offerIfNeeded();
    });
  }

  /**
   * How the client shows the remote videos (the latest list wins): each listed video's track gets its
   * view, now and when it is carried later (a screen shared after the list came).
   */
  setVideoViews(views: readonly VideoView[]): void {
    this.views = views;
    this.applyViews(this.wanted);
  }

  private applyViews(tracks: readonly PublishedTrack[]): void {
    for (const track of tracks) {
      if (track.kind !== 'video') continue;
      const source = track.source === 'screen' ? 'screen' : 'camera';
      const view = this.views.find((v) => v.peerId === track.peerId && v.source === source);
      if (view) this.connection.setVideoView(track, view);
    }
  }

  /** The client lost its path to the SFU: the next offer (now, or after the pending answer) restarts ICE. */
  restartIce(): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.restartIce();
      this.offerDue = true;
      await this.offerIfNeeded();
    });
  }

  addRemoteCandidate(candidate: IceCandidate | null): Promise<void> {
    return this.connection.addRemoteCandidate(candidate);
  }

  /** The tracks the client has answered for (what it receives). */
  get tracks(): readonly PublishedTrack[] {
    return this.answered;
  }

  /** The tracks this connection is to carry (offered, or to be offered once the answer in flight is in). */
  get wantedTracks(): readonly PublishedTrack[] {
    return this.wanted;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.connection.close();
  }

  private async offerIfNeeded(): Promise<void> {
    if (this.closed || this.pending) return;
    const tracks = this.wanted;
    if (!this.offerDue && sameTracks(tracks, this.answered)) return;
    // Nothing left to receive: no offer of only inactive sections (a browser whose every bundled
    // section is off drops its transport, and later offers never bring it back). The client drops
    // the leaver's tiles on ParticipantLeftEvent; the next offer, with someone's tracks, stops these.
    if (!this.offerDue && tracks.length === 0) return;
    const undo = this.gate.hold();
    let offer: SessionDescription;
    try {
      offer = await this.connection.createOffer(tracks);
    } catch (error) {
      undo();
      throw error;
    }
    if (this.closed) return;
    this.offerDue = false;
    this.pending = tracks;
    this.applyViews(tracks);
    this.sendOffer(offer);
    this.gate.open();
  }
}

/** The same track objects (a publisher that starts over has new tracks, though with the same ids). */
function sameTracks(a: readonly PublishedTrack[], b: readonly PublishedTrack[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return a.every((t) => set.has(t));
}
