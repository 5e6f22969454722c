/**
 * Reads the receiving connection's stats every two seconds and rates each remote participant's
 * connection (media/linkQuality.ts: loss since the last reading, jitter, round-trip time) by the
 * inbound tracks that are theirs. Says so when any rating changes.
 */
import { type InboundReading, type LinkQuality, linkQuality } from '../media/linkQuality.ts';

const INTERVAL_MS = 2000;

interface InboundStats {
  type: string;
  id: string;
  trackIdentifier?: string;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
}

interface PairStats {
  type: string;
  nominated?: boolean;
  state?: string;
  currentRoundTripTime?: number;
}

export class QualityMonitor {
  private readonly previous = new Map<string, InboundReading>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private last = '';

  constructor(
    private readonly connection: () => RTCPeerConnection | undefined,
    /** Whose a received track is (by its id). */
    private readonly ownerOf: (trackId: string) => string | undefined,
    private readonly onChange: (quality: Record<string, LinkQuality>) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.read().catch(() => undefined), INTERVAL_MS);
  }

  private async read(): Promise<void> {
    const pc = this.connection();
    if (!pc || pc.connectionState === 'closed') return;
    const report = await pc.getStats();
    let rtt: number | undefined;
    const perPeer = new Map<string, { before: InboundReading | undefined; now: InboundReading }[]>();
    const seen = new Set<string>();
    report.forEach((s: InboundStats & PairStats) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && s.currentRoundTripTime !== undefined) rtt = s.currentRoundTripTime;
      if (s.type !== 'inbound-rtp' || !s.trackIdentifier) return;
      const owner = this.ownerOf(s.trackIdentifier);
      if (!owner) return;
      const now: InboundReading = { packetsReceived: s.packetsReceived ?? 0, packetsLost: Math.max(0, s.packetsLost ?? 0), jitter: s.jitter ?? 0 };
      const list = perPeer.get(owner) ?? [];
      list.push({ before: this.previous.get(s.id), now });
      perPeer.set(owner, list);
      this.previous.set(s.id, now);
      seen.add(s.id);
    });
    for (const id of this.previous.keys()) if (!seen.has(id)) this.previous.delete(id);
    const quality: Record<string, LinkQuality> = {};
    for (const [peerId, tracks] of perPeer) {
      const q = linkQuality(tracks, rtt);
      if (q) quality[peerId] = q;
    }
    const key = Object.entries(quality).map(([id, q]) => `${id}:${q.bars}`).sort().join(',');
    if (key === this.last) return;
    this.last = key;
    this.onChange(quality);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
