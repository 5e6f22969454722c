/**
 * Samples the audio level of every remote participant's audio (and one's own microphone) ten times
 * a second, and says who speaks and who the dominant remote speaker is when that changes. Levels
 * come from the decoded audio (media/audioLevel.ts), so this works whatever the SFU forwards; once
 * the SFU names the active speaker, its word can replace `dominant` (CallState.dominantSpeakerId).
 */
import { type LevelMeter, watchLevel } from '../media/audioLevel.ts';
import { SpeakerDetector } from './speakerDetector.ts';

const SAMPLE_MS = 100;

export interface SpeakerChange {
  /** Ids speaking now (one's own id included while one speaks). */
  speaking: string[];
  /** The dominant remote speaker. */
  dominant: string | undefined;
}

export class SpeakerMonitor {
  private readonly meters = new Map<string, { track: MediaStreamTrack; meter: LevelMeter }>();
  private readonly remote = new SpeakerDetector();
  private readonly self = new SpeakerDetector();
  private timer: ReturnType<typeof setInterval> | undefined;
  private last = '';

  constructor(
    /** Remote participants' audio tracks by id. */
    private readonly remoteTracks: () => Map<string, MediaStreamTrack>,
    /** One's own microphone while unmuted, and one's id. */
    private readonly localTrack: () => { id: string; track: MediaStreamTrack } | undefined,
    private readonly onChange: (change: SpeakerChange) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.sample(), SAMPLE_MS);
  }

  private meterOf(id: string, track: MediaStreamTrack): LevelMeter {
    const known = this.meters.get(id);
    if (known?.track === track) return known.meter;
    known?.meter.close();
    const meter = watchLevel(track);
    this.meters.set(id, { track, meter });
    return meter;
  }

  private sample(): void {
    const now = Date.now();
    const tracks = this.remoteTracks();
    const local = this.localTrack();
    const live = new Set([...tracks.keys(), ...(local ? [`self:${local.id}`] : [])]);
    for (const [id, { meter }] of this.meters) {
      if (!live.has(id)) {
        meter.close();
        this.meters.delete(id);
      }
    }
    const levels = new Map<string, number>();
    for (const [id, track] of tracks) levels.set(id, this.meterOf(id, track).level());
    const reading = this.remote.update(levels, now);
    const speaking = [...reading.speaking];
    if (local) {
      const mine = this.self.update(new Map([[local.id, this.meterOf(`self:${local.id}`, local.track).level()]]), now);
      if (mine.speaking.size > 0) speaking.push(local.id);
    }
    const key = `${speaking.sort().join(',')}|${reading.dominant ?? ''}`;
    if (key === this.last) return;
    this.last = key;
    this.onChange({ speaking, dominant: reading.dominant });
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const { meter } of this.meters.values()) meter.close();
    this.meters.clear();
  }
}
