/**
 * Ends an idle room: once at least one client has been seen, the room going without clients for
 * `idleMs` calls `onIdle` (the process then exits 0 so the Fargate task stops billing). So does a
 * claimed room nobody joins. A room that has never had a client and is not claimed (a warm room)
 * never idles out.
 */
export class IdleWatcher {
  private seenClient = false;
  private clients = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly idleMs: number,
    private readonly onIdle: () => void,
  ) {}

  /** The number of clients in the room changed. */
  update(clients: number): void {
    if (this.closed) return;
    this.clients = clients;
    if (clients > 0) {
      this.seenClient = true;
      this.clear();
      return;
    }
    if (this.seenClient) this.start();
  }

  /** The room was bound to a URL path: from now on it idles out without clients, even if none ever comes. */
  claimed(): void {
    if (this.closed) return;
    this.seenClient = true;
    if (this.clients === 0) this.start();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.onIdle();
    }, this.idleMs);
  }

  get armed(): boolean {
    return this.timer !== undefined;
  }

  close(): void {
    this.closed = true;
    this.clear();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
