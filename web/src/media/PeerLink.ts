/**
 * One RTCPeerConnection with the SFU and its trickle ICE: local candidates go out after the
 * description they belong to; what the SFU sends is applied one step at a time, in the order it came,
 * so a remote candidate waits for the description before it (after an ICE restart it has that
 * description's new credentials), and one that came before any remote description waits for it.
 */
import type { HandshakeData } from '../../../protocol/index.ts';

export type SendHandshake = (data: Omit<HandshakeData, 'sender' | 'roomId'>) => void;

export abstract class PeerLink {
  readonly pc: RTCPeerConnection;
  private readonly early: RTCIceCandidateInit[] = [];
  /** The remote steps (descriptions, candidates) applied so far, in order. */
  private remote: Promise<void> = Promise.resolve();

  constructor(
    iceServers: RTCIceServer[],
    protected readonly send: SendHandshake,
    protected readonly extra: Partial<HandshakeData>,
  ) {
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
    this.pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) this.send({ ...this.base(), candidate: e.candidate.toJSON() });
    };
  }

  abstract readonly kind: 'producer' | 'consumer';

  protected base() {
    return { type: this.kind, ...this.extra } as Omit<HandshakeData, 'sender' | 'roomId'>;
  }

  async addRemoteCandidate(candidate: RTCIceCandidateInit | null | undefined): Promise<void> {
    if (!candidate || !candidate.candidate) return;
    await this.inOrder(async () => {
      if (!this.pc.remoteDescription) {
        this.early.push(candidate);
        return;
      }
      await this.pc.addIceCandidate(candidate).catch(() => undefined);
    });
  }

  /** Runs a step that applies what the SFU sent once the steps before it are done (whatever became of them). */
  protected inOrder(step: () => Promise<void>): Promise<void> {
    const turn = this.remote.then(step);
    this.remote = turn.catch(() => undefined);
    return turn;
  }

  protected async flushEarlyCandidates(): Promise<void> {
    for (const c of this.early.splice(0)) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  close(): void {
    this.pc.close();
  }
}
