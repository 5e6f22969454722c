/**
 * One RTCPeerConnection with the SFU and its trickle ICE: local candidates go out after the
 * description they belong to, remote candidates that arrive before the remote description wait for it.
 */
import type { HandshakeData } from '../../../protocol/index.ts';

export type SendHandshake = (data: Omit<HandshakeData, 'sender' | 'roomId'>) => void;

export abstract class PeerLink {
  readonly pc: RTCPeerConnection;
  private readonly early: RTCIceCandidateInit[] = [];

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
    if (!this.pc.remoteDescription) {
      this.early.push(candidate);
      return;
    }
    await this.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  protected async flushEarlyCandidates(): Promise<void> {
    for (const c of this.early.splice(0)) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  close(): void {
    this.pc.close();
  }
}
