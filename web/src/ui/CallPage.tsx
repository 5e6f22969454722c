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
  // a call this tab accepted goes straight in; any other join starts on the pre-join screen
  const [start, setStart] = useState<{ preJoin: boolean; choice?: JoinChoice }>(() => ({ preJoin: !(source.kind === 'path' && keptAccess(roomKey(source.urlPath))) }));
  const [attempt, setAttempt] = useState(0);
  // a rejoin opens camera and microphone again (the first ones stopped), muted as one left
  const retry = (features: { audioMuted?: boolean; videoMuted?: boolean }) => {
    setStart({ preJoin: false, choice: { audioOff: !!features.audioMuted, videoOff: !!features.videoMuted } });
    setAttempt((n) => n + 1);
  };
  return <Call key={attempt} config={config} source={source} preJoin={start.preJoin} choice={start.choice} onHome={onHome} onRetry={retry} />;
}

function Call({ config, source, preJoin, choice, onHome, onRetry }: { config: ClientConfig; source: JoinSource; preJoin: boolean; choice: JoinChoice | undefined; onHome: () => void; onRetry: (features: { audioMuted?: boolean; videoMuted?: boolean }) => void }) {
  const [session] = useState(() => new CallSession(config, source));
  const [joined, setJoined] = useState(!preJoin);
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const room = state.title ?? state.urlPath ?? (source.kind === 'path' ? source.urlPath : 'invitation');

  useEffect(() => {
    // the room is found and signaling opened while the person is on the pre-join screen
    void session.prepare();
    return () => session.dispose();
  }, [session]);
  useEffect(() => {
    if (!preJoin) void session.start({ displayName: loadDisplayName().trim(), choice });
  }, [session, preJoin, choice]);

  if (!joined) {
    return (
      <PreJoin
        room={source.kind === 'path' ? source.urlPath : 'a room you were invited to'}
        initialName={loadDisplayName()}
        onJoin={(name, picked) => {
          saveDisplayName(name);
          setJoined(true);
          void session.start({ displayName: name.trim(), choice: picked });
        }}
      />
    );
  }
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
