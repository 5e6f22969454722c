/** A live level meter of a microphone track (redrawn each animation frame, outside React's renders). */
import { useEffect, useRef } from 'react';
import { meterFill, watchLevel } from '../media/audioLevel.ts';

export function MicMeter({ track }: { track: MediaStreamTrack | undefined }) {
  const bar = useRef<HTMLDivElement>(null);
  const meterRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!track) return;
    const meter = watchLevel(track);
    let frame = 0;
    let shown = 0;
    const draw = () => {
      // falls slowly, rises at once: easier to read
      shown = Math.max(meterFill(meter.level()), shown * 0.9);
      if (bar.current) bar.current.style.transform = `scaleX(${shown.toFixed(3)})`;
      meterRef.current?.setAttribute('aria-valuenow', String(Math.round(shown * 100)));
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(frame);
      meter.close();
    };
  }, [track]);
  return (
    <div className="meter" ref={meterRef} role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={0} data-testid="mic-meter">
      <div className="meter-fill" ref={bar} />
    </div>
  );
}
