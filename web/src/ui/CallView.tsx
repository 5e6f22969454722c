/** In the call: the grid, the controls (m: mute, v: camera), chat, devices, copy link, leave. */
import { type ReactNode, useEffect, useState } from 'react';
import type { CallSession, CallState } from '../call/CallSession.ts';
import { ChatPanel } from './ChatPanel.tsx';
import { DevicePicker } from './DevicePicker.tsx';
import { VideoTile } from './VideoTile.tsx';

/** `banner`: a line the page adds to the header (an outgoing call's "Ringing …"). */
export function CallView({ room, session, state, banner }: { room: string; session: CallSession; state: CallState; banner?: ReactNode }) {
  const [copied, setCopied] = useState(false);
  const [shared, setShared] = useState<string | undefined>();
  const [chatOpen, setChatOpen] = useState(true);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)) return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'm') session.toggleAudio();
      if (e.key === 'v') session.toggleVideo();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [session]);

  // an open room's URL, or a fresh share ticket for a ticket-only room; shown too, for copying by hand
  const copy = async () => {
    let link: string;
    try {
      link = await session.shareLink();
    } catch (error) {
      setShared(undefined);
      session.notify(`Could not make an invitation link: ${(error as Error).message}`);
      return;
    }
    setShared(link);
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // no clipboard permission: the link stays on screen to copy by hand
    }
  };

  const { features } = state;
  const tiles = [
    <VideoTile key="self" id={state.selfId ?? 'self'} label="You" stream={state.local} self kind="camera" audioMuted={features.audioMuted} videoMuted={features.videoMuted} />,
    ...(state.localScreen ? [<VideoTile key="self-screen" id={state.selfId ?? 'self'} label="Your screen" stream={state.localScreen} self kind="screen" />] : []),
    ...state.participants.flatMap((p) => [
      <VideoTile key={p.id} id={p.id} label={p.displayName} stream={p.camera} kind="camera" audioMuted={p.features.audioMuted} videoMuted={p.features.videoMuted} />,
      ...(p.features.screenSharing && p.screen ? [<VideoTile key={`${p.id}-screen`} id={p.id} label={`${p.displayName} (screen)`} stream={p.screen} kind="screen" />] : []),
    ]),
  ];

  return (
    <div className="call">
      <header>
        <h1>{room}</h1>
        <span className="count">{state.participants.length + 1} in the call</span>
        {state.access === 'ticket' && <span className="badge" data-testid="ticket-only">Invitation only</span>}
        {banner}
        {state.phase === 'reconnecting' && (
          <span className="banner warn" role="status" data-testid="reconnecting">
            Reconnecting…
          </span>
        )}
      </header>
      {shared && (
        <p className="banner" role="status">
          <label>
            {state.access === 'ticket' ? 'Invitation link (valid 24 hours)' : 'Room link'}{' '}
            <input readOnly value={shared} aria-label="Link to share" data-testid="share-link" onFocus={(e) => e.currentTarget.select()} />
          </label>
          <button onClick={() => setShared(undefined)} aria-label="Hide the link">×</button>
        </p>
      )}
      {state.notice && (
        <p className="banner" role="alert" data-testid="notice">
          {state.notice} <button onClick={() => session.dismissNotice()} aria-label="Dismiss">×</button>
        </p>
      )}
      <div className="main">
        <section className={`grid n${Math.min(tiles.length, 9)}`} aria-label="Participants">
          {tiles}
        </section>
        {chatOpen && <ChatPanel lines={state.chat} onSend={(t) => session.sendChat(t)} />}
      </div>
      <footer className="controls">
        <button onClick={() => session.toggleAudio()} aria-pressed={features.audioMuted} aria-label={features.audioMuted ? 'Unmute microphone (m)' : 'Mute microphone (m)'}>
          {features.audioMuted ? 'Unmute' : 'Mute'}
        </button>
        <button onClick={() => session.toggleVideo()} aria-pressed={features.videoMuted} aria-label={features.videoMuted ? 'Turn camera on (v)' : 'Turn camera off (v)'}>
          {features.videoMuted ? 'Camera on' : 'Camera off'}
        </button>
        <button onClick={() => void session.toggleScreen()} aria-pressed={features.screenSharing} aria-label={features.screenSharing ? 'Stop sharing your screen' : 'Share your screen'}>
          {features.screenSharing ? 'Stop sharing' : 'Share screen'}
        </button>
        <button onClick={() => setChatOpen((o) => !o)} aria-expanded={chatOpen} aria-label={chatOpen ? 'Hide chat' : 'Show chat'}>
          Chat
        </button>
        <button onClick={() => void copy()} aria-label={state.access === 'ticket' ? 'Copy an invitation link' : 'Copy the room link'}>
          {copied ? 'Copied!' : 'Copy link'}
        </button>
        {state.creator && (
          <button
            onClick={() => void session.setAccess(state.access === 'ticket' ? 'open' : 'ticket')}
            aria-pressed={state.access === 'ticket'}
            aria-label={state.access === 'ticket' ? 'Let anyone with the room URL join' : 'Admit only people with an invitation link'}
          >
            {state.access === 'ticket' ? 'Open room' : 'Invite only'}
          </button>
        )}
        <DevicePicker kind="audioinput" onChoose={(id) => void session.useDevice('audio', id)} />
        <DevicePicker kind="videoinput" onChoose={(id) => void session.useDevice('video', id)} />
        <button className="danger" onClick={() => session.leave()} aria-label="Leave the call">
          Leave
        </button>
      </footer>
    </div>
  );
}
