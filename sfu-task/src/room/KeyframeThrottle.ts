/**
 * Keyframe requests toward one publisher, per track: at most one PLI per interval, and a request
 * that arrives inside the interval is sent when it ends (not dropped), so that many consumers
 * connecting together cost one keyframe, not one each.
 */
export class KeyframeThrottle<T> {
  private readonly lastSent = new Map<T, number>();
  private readonly timers = new Map<T, NodeJS.Timeout>();

  constructor(
    private readonly send: (key: T) => void,
    private readonly minIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  request(key: T): void {
    if (this.timers.has(key)) return;
    const elapsed = this.now() - (this.lastSent.get(key) ?? -Infinity);
    if (elapsed >= this.minIntervalMs) {
      this.fire(key);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.fire(key);
    }, this.minIntervalMs - elapsed);
    timer.unref();
    this.timers.set(key, timer);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private fire(key: T): void {
    this.lastSent.set(key, this.now());
    this.send(key);
  }
}
