/**
 * Serializes werift's candidate gathering. werift picks a UDP port from the configured range by
 * binding a probe socket, closing it, then binding the real socket: two connections gathering at
 * the same time can pick the same port, and the second one then has no candidate at all.
 */
export class GatherLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
