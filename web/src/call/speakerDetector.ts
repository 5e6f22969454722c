/**
 * Who speaks, from audio levels sampled a few times a second: a participant speaks while their
 * level is above a threshold (held a moment after it falls, so a ring does not flicker between
 * words); the dominant speaker is the loudest speaker, and a new one takes over only after being
 * louder than the current one for `switchAfterMs` (hysteresis: a cough does not flip the stage).
 * Pure: levels and the clock come in, the answer goes out.
 */
export interface SpeakerOptions {
  /** Level (0-1, RMS of the samples) above which someone speaks. */
  threshold: number;
  /** How long speaking lasts after the level fell below the threshold. */
  holdMs: number;
  /** How long a challenger must be the loudest before becoming the dominant speaker. */
  switchAfterMs: number;
  /** Smoothing of each level (0: none, towards 1: slow). */
  smoothing: number;
}

export const DEFAULT_SPEAKER_OPTIONS: SpeakerOptions = { threshold: 0.01, holdMs: 800, switchAfterMs: 1200, smoothing: 0.6 };

interface Track {
  level: number;
  lastLoudAt: number;
}

export interface SpeakerReading {
  /** Participants speaking now. */
  speaking: Set<string>;
  /** The dominant speaker (kept until another takes over, or they leave). */
  dominant: string | undefined;
}

export class SpeakerDetector {
  private readonly tracks = new Map<string, Track>();
  private dominant: string | undefined;
  private challenger: { id: string; since: number } | undefined;

  constructor(private readonly options: SpeakerOptions = DEFAULT_SPEAKER_OPTIONS) {}

  /** One round of levels (ids not given are gone); returns who speaks and who dominates. */
  update(levels: Map<string, number>, nowMs: number): SpeakerReading {
    const { threshold, holdMs, switchAfterMs, smoothing } = this.options;
    for (const id of this.tracks.keys()) if (!levels.has(id)) this.tracks.delete(id);
    for (const [id, raw] of levels) {
      const track = this.tracks.get(id) ?? { level: 0, lastLoudAt: -Infinity };
      track.level = smoothing * track.level + (1 - smoothing) * raw;
      if (raw >= threshold || track.level >= threshold) track.lastLoudAt = nowMs;
      this.tracks.set(id, track);
    }
    const speaking = new Set<string>();
    for (const [id, track] of this.tracks) if (nowMs - track.lastLoudAt <= holdMs) speaking.add(id);

    if (this.dominant && !this.tracks.has(this.dominant)) this.dominant = undefined;
    let loudest: string | undefined;
    for (const id of speaking) if (!loudest || this.tracks.get(id)!.level > this.tracks.get(loudest)!.level) loudest = id;
    if (!this.dominant) {
      this.dominant = loudest;
      this.challenger = undefined;
    } else if (loudest && loudest !== this.dominant && (!speaking.has(this.dominant) || this.tracks.get(loudest)!.level > this.tracks.get(this.dominant)!.level)) {
      if (this.challenger?.id !== loudest) this.challenger = { id: loudest, since: nowMs };
      else if (nowMs - this.challenger.since >= switchAfterMs) {
        this.dominant = loudest;
        this.challenger = undefined;
      }
    } else {
      this.challenger = undefined;
    }
    return { speaking, dominant: this.dominant };
  }
}
