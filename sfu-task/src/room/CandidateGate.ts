/**
 * Holds a connection's local ICE candidates until the description they belong to has been sent.
 * werift emits candidates while it applies the local description, before the SFU has sent that
 * description: a client given a candidate first fails it ("remote description was null"; after an
 * ICE restart, "no media section matched the ICE usernameFragment"). So the gate holds again while
 * each later description is made.
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

  /**
   * A description is being made: hold what comes until it is sent (open()). The function returned
   * undoes the hold, for a description that failed: the gate is as it was (and sends what it held
   * if it was open).
   */
  hold(): () => void {
    const wasOpen = this.opened;
    this.opened = false;
    return () => {
      if (wasOpen) this.open();
    };
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
