/** Everyone in the call: names, microphone and camera state, raised hands first (in the order they went up). */
import type { CallState } from '../call/CallSession.ts';
import { CameraOffIcon, HandIcon, MicOffIcon } from './icons.tsx';

interface Row {
  id: string;
  name: string;
  self: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  handRaised: boolean;
  speaking: boolean;
}

export function ParticipantsPanel({ state, onLowerHand, onClose }: { state: CallState; onLowerHand: () => void; onClose: () => void }) {
  const speaking = new Set(state.speaking);
  const rows: Row[] = [
    { id: state.selfId ?? 'self', name: 'You', self: true, audioMuted: !!state.features.audioMuted, videoMuted: !!state.features.videoMuted, handRaised: !!state.features.handRaised, speaking: speaking.has(state.selfId ?? '') },
    ...state.participants.map((p) => ({ id: p.id, name: p.displayName, self: false, audioMuted: !!p.features.audioMuted, videoMuted: !!p.features.videoMuted, handRaised: !!p.features.handRaised, speaking: speaking.has(p.id) })),
  ];
  const ordered = [...rows.filter((r) => r.handRaised), ...rows.filter((r) => !r.handRaised)];
  const hands = rows.filter((r) => r.handRaised).length;
  return (
    <aside className="panel people" aria-label="People" data-testid="people-panel">
      <header>
        <h2>People ({rows.length})</h2>
        <button className="small" onClick={onClose} aria-label="Close the people panel">
          Close
        </button>
      </header>
      {hands > 0 && <p className="hint">{hands === 1 ? '1 hand raised' : `${hands} hands raised`}</p>}
      <ul>
        {ordered.map((r) => (
          <li key={r.id} data-testid={`person-${r.self ? 'self' : r.id}`} className={r.speaking ? 'speaking' : undefined}>
            <span className="person-name">{r.name}</span>
            {r.handRaised && (
              <span className="mark hand" data-testid="person-hand" title="Hand raised">
                <HandIcon /> <span className="sr-only">hand raised</span>
              </span>
            )}
            {r.audioMuted && (
              <span className="mark" data-testid="person-muted" title="Microphone muted">
                <MicOffIcon /> <span className="sr-only">muted</span>
              </span>
            )}
            {r.videoMuted && (
              <span className="mark" data-testid="person-camera-off" title="Camera off">
                <CameraOffIcon /> <span className="sr-only">camera off</span>
              </span>
            )}
            {r.self && r.handRaised && (
              <button className="small" onClick={onLowerHand}>
                Lower hand
              </button>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
