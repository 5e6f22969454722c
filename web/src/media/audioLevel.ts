/**
 * Audio levels of tracks (a local microphone, a remote participant's audio) through one shared Web
 * Audio context: each watched track gets an AnalyserNode, and `level()` reads its RMS (0-1) now.
 * Nothing is played through it: remote audio plays in its tile's media element.
 */
let shared: AudioContext | undefined;

function context(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined;
  shared ??= new AudioContext();
  // created before a gesture, it may start suspended: the next gesture resumes it
  if (shared.state === 'suspended') {
    const resume = () => void shared?.resume();
    addEventListener('pointerdown', resume, { once: true });
    addEventListener('keydown', resume, { once: true });
  }
  return shared;
}

export interface LevelMeter {
  /** RMS of the latest samples, 0-1. */
  level(): number;
  close(): void;
}

export function watchLevel(track: MediaStreamTrack): LevelMeter {
  const ctx = context();
  if (!ctx) return { level: () => 0, close: () => undefined };
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    level: () => {
      if (track.readyState === 'ended' || !track.enabled) return 0;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      return Math.sqrt(sum / samples.length);
    },
    close: () => {
      source.disconnect();
      analyser.disconnect();
    },
  };
}

/** A level (0-1 RMS) as the 0-1 fill of a meter: -60 dBFS empty, 0 dBFS full. */
export function meterFill(level: number): number {
  if (level <= 0) return 0;
  const db = 20 * Math.log10(level);
  return Math.min(1, Math.max(0, (db + 60) / 60));
}
