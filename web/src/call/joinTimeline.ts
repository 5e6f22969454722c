/**
 * The join timeline: each step of a join as a Performance API mark (`join:<step>`, its time since
 * navigation), once per page. `npm run bench:join` reads them from the page, and so can a person
 * debugging a slow join: `performance.getEntriesByType('mark')` in the browser console (or the
 * Performance panel's timings track).
 */
export const JOIN_STEPS = [
  'config-loaded',
  'join-clicked',
  'room-found',
  'socket-open',
  'identified',
  'media-open',
  'publish-offer-sent',
  'publish-answered',
  'subscribe-offer-received',
  'subscribe-answered',
  'ice-connected',
  'dtls-connected',
  'first-remote-frame',
] as const;
export type JoinStep = (typeof JOIN_STEPS)[number];

const PREFIX = 'join:';

/** Marks a step the first time it happens on this page; later calls do nothing. */
export function markJoin(step: JoinStep): void {
  if (typeof performance === 'undefined' || performance.getEntriesByName(PREFIX + step, 'mark').length > 0) return;
  performance.mark(PREFIX + step);
}

/**
 * A remote camera's first decoded frame on screen: the join timeline's last step (the first one on
 * the page), and `frame:<peerId>` for each participant (a rejoin's or a late joiner's first frame).
 */
export function markFirstFrame(peerId: string): void {
  markJoin('first-remote-frame');
  if (typeof performance === 'undefined' || performance.getEntriesByName(`frame:${peerId}`, 'mark').length > 0) return;
  performance.mark(`frame:${peerId}`);
}

/** The steps marked so far: ms since navigation start. */
export function joinTimeline(): Partial<Record<JoinStep, number>> {
  const out: Partial<Record<JoinStep, number>> = {};
  for (const entry of performance.getEntriesByType('mark')) {
    if (entry.name.startsWith(PREFIX)) out[entry.name.slice(PREFIX.length) as JoinStep] = Math.round(entry.startTime);
  }
  return out;
}
