/**
 * How well a participant's media arrives, from two getStats readings of the receiving connection:
 * the packet loss between them, the jitter, and the connection's round-trip time, as 0-3 bars.
 * Pure: the reader (call/QualityMonitor.ts) takes the stats and keeps the previous reading.
 */
export type Bars = 0 | 1 | 2 | 3;

export interface InboundReading {
  packetsReceived: number;
  packetsLost: number;
  /** Seconds. */
  jitter: number;
}

export interface LinkQuality {
  bars: Bars;
  /** Lost / expected since the previous reading (0-1). */
  loss: number;
  /** Seconds (the worst of the participant's tracks). */
  jitter: number;
  /** Seconds (the connection's), when known. */
  rtt: number | undefined;
}

/** Quality of one participant's tracks from the previous and the current reading of each. */
export function linkQuality(tracks: { before: InboundReading | undefined; now: InboundReading }[], rtt: number | undefined): LinkQuality | undefined {
  let received = 0;
  let lost = 0;
  let jitter = 0;
  for (const { before, now } of tracks) {
    received += Math.max(0, now.packetsReceived - (before?.packetsReceived ?? 0));
    lost += Math.max(0, now.packetsLost - (before?.packetsLost ?? 0));
    jitter = Math.max(jitter, now.jitter);
  }
  if (received + lost === 0) return undefined; // nothing arrived to judge by
  const loss = lost / (received + lost);
  const score = Math.min(lossScore(loss), jitterScore(jitter), rttScore(rtt)) as Bars;
  return { bars: score, loss, jitter, rtt };
}

const lossScore = (loss: number): Bars => (loss < 0.02 ? 3 : loss < 0.05 ? 2 : loss < 0.12 ? 1 : 0);
const jitterScore = (jitter: number): Bars => (jitter < 0.03 ? 3 : jitter < 0.06 ? 2 : jitter < 0.12 ? 1 : 0);
const rttScore = (rtt: number | undefined): Bars => (rtt === undefined || rtt < 0.25 ? 3 : rtt < 0.5 ? 2 : rtt < 1 ? 1 : 0);

export const BARS_LABEL: Record<Bars, string> = { 3: 'good', 2: 'fair', 1: 'poor', 0: 'very poor' };
