/**
 * `/<room-name>`: the pre-join screen (devices, name), then the join flow with its progress, the
 * call, and what happens when things end. A call this tab accepted goes straight in: answering was
 * the choice to join.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { keptAccess, roomKey } from '../api/keptAccess.ts';
import { CallSession, type JoinChoice, type JoinSource } from '../call/CallSession.ts';
import type { ClientConfig } from '../config.ts';
import { CallView } from './CallView.tsx';
import { loadDisplayName, saveDisplayName } from './displayName.ts';
import { JoinProgressView } from './JoinProgressView.tsx';
import { PreJoin } from './PreJoin.tsx';

export function CallPage({ config, source, onHome }: { config: ClientConfig; source: JoinSource; onHome: () => void }) {
  const room = source.kind === 'path' ? source.urlPath : 'a room you were invited to';
  const [joined, setJoined] = useState<{ name: string; choice?: JoinChoice } | undefined>(() =>
    source.kind === 'path' && keptAccess(roomKey(source.urlPath)) ? { name: loadDisplayName() } : undefined,
  );
  const [attempt, setAttempt] = useState(0);

  if (!joined) {
    return (
      <PreJoin
        room={room}
        initialName={loadDisplayName()}
        onJoin={(name, choice) => {
          saveDisplayName(name);
          setJoined({ name: name.trim(), choice });
        }}
      />
    );
  }
  // a rejoin opens camera and microphone again (the first ones stopped), muted as one left
  const retry = (features: { audioMuted?: boolean; videoMuted?: boolean }) => {
    setJoined({ name: joined.name, choice: { audioOff: !!features.audioMuted, videoOff: !!features.videoMuted } });
    setAttempt((n) => n + 1);
  };
  return <Call key={attempt} config={config} source={source} name={joined.name} choice={joined.choice} onHome={onHome} onRetry={retry} />;
}

function Call({ config, source, name, choice, onHome, onRetry }: { config: ClientConfig; source: JoinSource; name: string; choice: JoinChoice | undefined; onHome: () => void; onRetry: (features: { audioMuted?: boolean; videoMuted?: boolean }) => void }) {
  const [session] = useState(() => new CallSession(config, source, name, choice));
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
          <button className="primary" onClick={() => onRetry(state.features)}>Start a new room at this name</button>
          <button onClick={onHome}>Home</button>
        </main>
      );
    case 'left':
      return (
        <main className="center">
          <h1>You left the call</h1>
          <button className="primary" onClick={() => onRetry(state.features)}>Rejoin</button>
          <button onClick={onHome}>Home</button>
        </main>
      );
    case 'error':
      return (
        <main className="center">
          <h1>Could not join</h1>
          <p role="alert">{state.error}</p>
          <button className="primary" onClick={() => onRetry(state.features)}>Try again</button>
          <button onClick={onHome}>Home</button>
        </main>
      );
  }
}
