/**
 * Holds a connection's local ICE candidates until its description has been sent. werift emits
 * candidates while it applies the local description, before the SFU has sent that description:
 * a client given a candidate first fails it ("remote description was null").
 */
import type { IceCandidate } from '../engines/MediaEngine.ts';

export class CandidateGate {
  private readonly queued: IceCandidate[] = [];
  private opened = false;

  constructor(private readonly send: (candidate: IceCandidate) => void) {}

  push(candidate: IceCandidate): void {
    if (this.opened) this.send(candidate);
    else this.queued.push(candidate);
  }

  /** The description is on its way: send what was held and everything after it at once. */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    for (const candidate of this.queued.splice(0)) this.send(candidate);
  }

  get isOpen(): boolean {
    return this.opened;
  }
}
