/**
 * What the call did to recover, as Performance API marks (`recovery:<step>`, every time it happens):
 * the server going away, an ICE restart, publishing again on a new connection, a rejoin and its end.
 * The tests read them to time a recovery, and so can a person in the browser console:
 * `performance.getEntriesByType('mark')`.
 */
export type RecoveryStep = 'server-gone' | 'media-failed' | 'ice-restart' | 'publish-again' | 'rejoin-started' | 'rejoined';

const PREFIX = 'recovery:';

export function markRecovery(step: RecoveryStep, detail?: string): void {
  if (typeof performance === 'undefined') return;
  performance.mark(PREFIX + step, { detail });
}

/** Every recovery step so far, in order: ms since navigation start. */
export function recoveryLog(): { step: RecoveryStep; at: number; detail?: string }[] {
  return performance
    .getEntriesByType('mark')
    .filter((e) => e.name.startsWith(PREFIX))
    .map((e) => ({ step: e.name.slice(PREFIX.length) as RecoveryStep, at: Math.round(e.startTime), ...((e as PerformanceMark).detail && { detail: String((e as PerformanceMark).detail) }) }));
}
