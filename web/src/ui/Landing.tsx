/** `/`: pick or generate a room name, give a display name (remembered), go; a signed-in user's call links below (`children`). */
import { type FormEvent, type ReactNode, useState } from 'react';
import { URL_PATH_PATTERN } from '../../../protocol/urlPath.ts';
import { loadDisplayName, saveDisplayName } from './displayName.ts';

const WORDS = ['amber', 'brisk', 'cedar', 'delta', 'ember', 'fjord', 'grove', 'harbor', 'indigo', 'juniper', 'kestrel', 'lumen', 'maple', 'nimbus', 'orbit', 'pine'];
const pick = () => WORDS[Math.floor(Math.random() * WORDS.length)]!;
export const randomRoomName = () => `${pick()}-${pick()}-${Math.floor(Math.random() * 900 + 100)}`;

export function Landing({ onGo, children }: { onGo: (room: string) => void; children?: ReactNode }) {
  const [room, setRoom] = useState('');
  const [name, setName] = useState(loadDisplayName);
  const valid = URL_PATH_PATTERN.test(room);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    saveDisplayName(name);
    onGo(room);
  };

  return (
    <main className="center landing">
      <h1>Video rooms</h1>
      <p>Open a room by its name; everyone on the same name is in the same call.</p>
      <form onSubmit={submit}>
        <label>
          Room name
          <span className="row">
            <input value={room} onChange={(e) => setRoom(e.target.value.trim())} placeholder="e.g. team-standup" aria-invalid={room !== '' && !valid} autoFocus />
            <button type="button" onClick={() => setRoom(randomRoomName())}>Generate</button>
          </span>
        </label>
        {room !== '' && !valid && <p className="hint" role="alert">Use 1-64 letters, digits, “-” or “_”.</p>}
        <label>
          Your name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="How others see you" maxLength={64} />
        </label>
        <button type="submit" className="primary" disabled={!valid}>Join</button>
      </form>
      {children}
    </main>
  );
}
