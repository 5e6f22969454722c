/** `/<room-name>`: the join flow with its progress, the call, and what happens when things end. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { CallSession, type JoinSource } from '../call/CallSession.ts';
import type { ClientConfig } from '../config.ts';
import { CallView } from './CallView.tsx';
import { loadDisplayName, saveDisplayName } from './displayName.ts';
import { JoinProgressView } from './JoinProgressView.tsx';

export function CallPage({ config, source, onHome }: { config: ClientConfig; source: JoinSource; onHome: () => void }) {
  const room = source.kind === 'path' ? source.urlPath : 'a room you were invited to';
  const [name, setName] = useState(loadDisplayName);
  const [confirmed, setConfirmed] = useState(() => loadDisplayName() !== '' || new URLSearchParams(location.search).has('skipName'));
  const [attempt, setAttempt] = useState(0);

  if (!confirmed) {
    return (
      <main className="center">
        <h1>Join “{room}”</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            saveDisplayName(name);
            setConfirmed(true);
          }}
        >
          <label>
            Your name
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="How others see you" maxLength={64} autoFocus />
          </label>
          <button type="submit" className="primary">Join</button>
        </form>
      </main>
    );
  }
  return <Call key={attempt} config={config} source={source} name={name} onHome={onHome} onRetry={() => setAttempt((n) => n + 1)} />;
}

function Call({ config, source, name, onHome, onRetry }: { config: ClientConfig; source: JoinSource; name: string; onHome: () => void; onRetry: () => void }) {
  const [session] = useState(() => new CallSession(config, source, name));
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const room = state.title ?? state.urlPath ?? (source.kind === 'path' ? source.urlPath : 'invitation');

  useEffect(() => {
    void session.start();
    return () => session.dispose();
  }, [session]);

  switch (state.phase) {
    case 'joining':
    case 'connecting':
      return <JoinProgressView room={room} phase={state.phase} progress={state.progress} />;
    case 'in-call':
    case 'reconnecting':
      return <CallView room={room} session={session} state={state} />;
    case 'closed':
      return (
        <main className="center">
          <h1>This room has ended</h1>
          <p role="status">The room server for “{room}” stopped{state.closedReason ? ` (${state.closedReason})` : ''}.</p>
          <button className="primary" onClick={onRetry}>Start a new room at this name</button>
          <button onClick={onHome}>Home</button>
        </main>
      );
    case 'left':
      return (
        <main className="center">
          <h1>You left the call</h1>
          <button className="primary" onClick={onRetry}>Rejoin</button>
          <button onClick={onHome}>Home</button>
        </main>
      );
    case 'error':
      return (
        <main className="center">
          <h1>Could not join</h1>
          <p role="alert">{state.error}</p>
          <button className="primary" onClick={onRetry}>Try again</button>
          <button onClick={onHome}>Home</button>
        </main>
      );
  }
}
