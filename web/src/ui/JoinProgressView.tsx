/** What is happening while a room is found, claimed or started (a new room server takes a while). */
import { useEffect, useState } from 'react';
import type { JoinProgress } from '../api/joinRoom.ts';

const STEPS: Record<JoinProgress['step'], string> = {
  finding: 'Looking for the room…',
  claiming: 'Taking a ready room for this name…',
  starting: 'Starting a new room server…',
  waiting: 'Waiting for the room server to start…',
};

export function JoinProgressView({ room, phase, progress }: { room: string; phase: 'joining' | 'connecting'; progress: JoinProgress | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  const [since] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const seconds = Math.floor((now - since) / 1000);
  const label = phase === 'connecting' ? 'Connecting your camera and microphone…' : STEPS[progress?.step ?? 'finding'];
  return (
    <main className="center" aria-busy="true">
      <h1>Joining “{room}”</h1>
      <p role="status" data-testid="join-status">
        {label}
      </p>
      <progress aria-label="Joining" />
      {seconds >= 2 && (
        <p className="hint">
          {seconds} s{progress?.step === 'waiting' ? ' — a new room usually takes under a minute' : ''}
        </p>
      )}
    </main>
  );
}
