/** `/c/<token>`: a call URL. "Call Bob", then ringing in the call's room, and how it ended. */
import { type FormEvent, useEffect, useState, useSyncExternalStore } from 'react';
import type { CallSession } from '../call/CallSession.ts';
import { OutgoingCall } from '../call/OutgoingCall.ts';
import type { ClientConfig } from '../config.ts';
import { CallView } from './CallView.tsx';
import { loadDisplayName, saveDisplayName } from './displayName.ts';
import { JoinProgressView } from './JoinProgressView.tsx';

export function CallerPage({ config, callToken, onHome }: { config: ClientConfig; callToken: string; onHome: () => void }) {
  const [outgoing] = useState(() => new OutgoingCall(config, callToken));
  const state = useSyncExternalStore(outgoing.subscribe, outgoing.snapshot);
  const [name, setName] = useState(loadDisplayName);

  useEffect(() => {
    void outgoing.load(loadDisplayName());
    return () => outgoing.dispose();
  }, [outgoing]);

  const callee = state.link?.callee ?? 'them';
  const callAgain = (
    <>
      <button className="primary" onClick={() => void outgoing.place(name)}>Call {callee} again</button>
      <button onClick={onHome}>Home</button>
    </>
  );
  const outcome = (heading: string, text?: string) => (
    <main className="center">
      <h1 data-testid="call-status">{heading}</h1>
      {text && <p role="status">{text}</p>}
      {callAgain}
    </main>
  );

  switch (state.phase) {
    case 'loading':
      return <main className="center" aria-busy="true">Loading…</main>;
    case 'invalid':
      return (
        <main className="center">
          <h1 data-testid="call-status">This link does not call anyone</h1>
          <p role="alert">{state.message}</p>
          <button onClick={onHome}>Home</button>
        </main>
      );
    case 'ready': {
      const submit = (e: FormEvent) => {
        e.preventDefault();
        saveDisplayName(name);
        void outgoing.place(name);
      };
      return (
        <main className="center">
          <h1>Call {callee}</h1>
          <p className="hint">
            {callee} made this link for {state.link?.remoteId}. It calls until {new Date(state.link?.expiresAt ?? 0).toLocaleString()}.
          </p>
          <form onSubmit={submit}>
            <label>
              Your name
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder={`How ${callee} sees you`} maxLength={64} autoFocus />
            </label>
            <button type="submit" className="primary">Call {callee}</button>
          </form>
        </main>
      );
    }
    case 'placing':
      return (
        <main className="center" aria-busy="true">
          <h1>Calling {callee}…</h1>
          <p role="status" data-testid="call-status">
            {state.waitingForRoom ? 'Starting a room for the call…' : 'Calling…'}
          </p>
          <progress aria-label="Calling" />
        </main>
      );
    case 'ringing':
    case 'connected':
      return <InCall session={state.session!} ringing={state.phase === 'ringing'} callee={callee} note={state.message} />;
    case 'declined':
      return outcome(`${callee} declined the call`);
    case 'missed':
      return outcome(`${callee} did not answer`, 'They will see that you called.');
    case 'cancelled':
      return outcome('You hung up');
    case 'ended':
      return outcome('The call has ended');
    case 'error':
      return (
        <main className="center">
          <h1 data-testid="call-status">Could not call {callee}</h1>
          <p role="alert">{state.message}</p>
          {callAgain}
        </main>
      );
  }
}

/** In the call's room: ringing until the owner joins. */
function InCall({ session, ringing, callee, note }: { session: CallSession; ringing: boolean; callee: string; note: string | undefined }) {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const title = `Call with ${callee}`;
  if (state.phase === 'joining' || state.phase === 'connecting') return <JoinProgressView room={title} phase={state.phase} progress={state.progress} />;
  if (state.phase === 'error') {
    return (
      <main className="center">
        <h1>Could not join the call</h1>
        <p role="alert">{state.error}</p>
      </main>
    );
  }
  const banner = ringing ? (
    <span className="banner" role="status" data-testid="call-status">
      Ringing {callee}…{note ? ` ${note}` : ''}
    </span>
  ) : null;
  return <CallView room={title} session={session} state={state} banner={banner} />;
}
