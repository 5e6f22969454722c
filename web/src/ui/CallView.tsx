/**
 * In the call: the stage (grid, speaker view, a shared screen), the side panel (chat, people or
 * devices), join and leave notices, and the controls (m: mute, v: camera, h: raise hand). On a
 * narrow screen the less used controls fold under "More" and a panel covers the stage.
 */
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import type { CallSession, CallState, VideoView } from '../call/CallSession.ts';
import { ChatPanel } from './ChatPanel.tsx';
import { DevicesPanel } from './DevicesPanel.tsx';
import { CameraOffIcon, HandIcon, MicOffIcon } from './icons.tsx';
import type { LayoutMode } from './layout/stageLayout.ts';
import { ParticipantsPanel } from './ParticipantsPanel.tsx';
import { RemoteAudio } from './RemoteAudio.tsx';
import { Stage, type StageTile } from './Stage.tsx';

type Panel = 'chat' | 'people' | 'devices';

const WIDE = '(min-width: 1000px)';

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const list = matchMedia(query);
    const onChange = () => setMatches(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

/** `banner`: a line the page adds to the header (an outgoing call's "Ringing …"). */
export function CallView({ room, session, state, banner }: { room: string; session: CallSession; state: CallState; banner?: ReactNode }) {
  const [copied, setCopied] = useState(false);
  const [shared, setShared] = useState<string | undefined>();
  const [panel, setPanel] = useState<Panel | undefined>(() => (matchMedia(WIDE).matches ? 'chat' : undefined));
  const [mode, setMode] = useState<LayoutMode>('grid');
  const [moreOpen, setMoreOpen] = useState(false);
  const [seenChat, setSeenChat] = useState(0);
  const wide = useMediaQuery(WIDE);

  useEffect(() => {
    if (panel === 'chat') setSeenChat(state.chat.length);
  }, [panel, state.chat.length]);
  const unread = state.chat.slice(seenChat).filter((l) => !l.mine).length;
  const toggle = (p: Panel) => setPanel((open) => (open === p ? undefined : p));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)) return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'm') session.toggleAudio();
      if (e.key === 'v') session.toggleVideo();
      if (e.key === 'h') session.toggleHand();
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

  const onViews = useCallback((views: VideoView[]) => session.reportVideoViews(views), [session]);
  const { features } = state;
  const speaking = new Set(state.speaking);
  const selfId = state.selfId ?? 'self';
  const tiles: StageTile[] = [
    { key: 'self', peerId: selfId, kind: 'camera', self: true, label: 'You', stream: state.local, audioMuted: features.audioMuted, videoMuted: features.videoMuted, handRaised: features.handRaised, speaking: speaking.has(selfId) },
    ...(state.localScreen ? [{ key: 'self-screen', peerId: selfId, kind: 'screen' as const, self: true, label: 'Your screen', stream: state.localScreen }] : []),
    ...state.participants.map((p) => ({
      key: p.id,
      peerId: p.id,
      kind: 'camera' as const,
      self: false,
      label: p.displayName,
      stream: p.camera,
      audioMuted: p.features.audioMuted,
      videoMuted: p.features.videoMuted,
      handRaised: p.features.handRaised,
      speaking: speaking.has(p.id),
      quality: state.quality[p.id],
    })),
    // the newest screen takes the stage
    ...[...state.participants]
      .reverse()
      .filter((p) => p.features.screenSharing && p.screen)
      .map((p) => ({ key: `${p.id}-screen`, peerId: p.id, kind: 'screen' as const, self: false, label: `${p.displayName} (screen)`, stream: p.screen })),
  ];
  const aspectHint = state.local?.getVideoTracks()[0]?.getSettings().aspectRatio;
  const hands = [features.handRaised, ...state.participants.map((p) => p.features.handRaised)].filter(Boolean).length;
  const people = state.participants.length + 1;

  return (
    <div className={`call${panel ? ' with-panel' : ''}`}>
      <header>
        <h1>{room}</h1>
        <span className="count">{people} in the call</span>
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
        <Stage tiles={tiles} mode={mode} dominant={state.dominantSpeakerId} aspectHint={aspectHint} onViews={onViews} />
        <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
          {state.toasts.map((t) => (
            <p key={t.id} className="toast" data-testid="toast">
              {t.text}
            </p>
          ))}
        </div>
        {panel === 'chat' && <ChatPanel lines={state.chat} onSend={(t) => session.sendChat(t)} onClose={() => setPanel(undefined)} />}
        {panel === 'people' && <ParticipantsPanel state={state} onLowerHand={() => session.toggleHand()} onClose={() => setPanel(undefined)} />}
        {panel === 'devices' && <DevicesPanel session={session} state={state} micTrack={state.local?.getAudioTracks()[0]} onClose={() => setPanel(undefined)} />}
      </div>
      <RemoteAudio streams={state.participants.map((p) => ({ id: p.id, stream: p.camera }))} sinkId={state.devices.audioOutputId} />
      <footer className={`controls${moreOpen ? ' more-open' : ''}`} aria-label="Call controls">
        <button onClick={() => session.toggleAudio()} aria-pressed={features.audioMuted} aria-label={features.audioMuted ? 'Unmute microphone (m)' : 'Mute microphone (m)'}>
          {features.audioMuted && <MicOffIcon />} {features.audioMuted ? 'Unmute' : 'Mute'}
        </button>
        <button onClick={() => session.toggleVideo()} aria-pressed={features.videoMuted} aria-label={features.videoMuted ? 'Turn camera on (v)' : 'Turn camera off (v)'}>
          {features.videoMuted && <CameraOffIcon />} {features.videoMuted ? 'Camera on' : 'Camera off'}
        </button>
        <button onClick={() => void session.toggleScreen()} aria-pressed={features.screenSharing} aria-label={features.screenSharing ? 'Stop sharing your screen' : 'Share your screen'}>
          {features.screenSharing ? 'Stop sharing' : 'Share'}
        </button>
        <button onClick={() => session.toggleHand()} aria-pressed={!!features.handRaised} aria-label={features.handRaised ? 'Lower hand (h)' : 'Raise hand (h)'} data-testid="raise-hand">
          <HandIcon /> {features.handRaised ? 'Lower hand' : 'Raise hand'}
        </button>
        {/* names are their visible words (and the counts'): open or not is aria-expanded */}
        <button onClick={() => toggle('chat')} aria-expanded={panel === 'chat'} data-testid="chat-button">
          Chat
          {unread > 0 && (
            <>
              {' '}
              <span className="count-badge" data-testid="chat-unread">
                {unread}
              </span>
              <span className="sr-only"> unread</span>
            </>
          )}
        </button>
        <button onClick={() => toggle('people')} aria-expanded={panel === 'people'} data-testid="people-button">
          People <span className="count-badge quiet">{people}</span>
          {hands > 0 && <span className="sr-only">, {hands === 1 ? '1 hand' : `${hands} hands`} raised</span>}
        </button>
        <button className="more-toggle" onClick={() => setMoreOpen((o) => !o)} aria-expanded={moreOpen} aria-label="More controls">
          More
        </button>
        <span className="secondary">
          <button onClick={() => setMode((m) => (m === 'grid' ? 'speaker' : 'grid'))} aria-pressed={mode === 'speaker'} aria-label={mode === 'speaker' ? 'Show everyone in a grid' : 'Show the speaker large'} data-testid="layout-button">
            {mode === 'speaker' ? 'Grid' : 'Speaker'}
          </button>
          <button onClick={() => toggle('devices')} aria-expanded={panel === 'devices'} title="Camera, microphone and speaker" data-testid="devices-button">
            Devices
          </button>
          <button onClick={() => void copy()} aria-label={copied ? 'Copied!' : state.access === 'ticket' ? 'Copy link: an invitation link' : 'Copy link to the room'}>
            {copied ? 'Copied!' : 'Copy link'}
          </button>
          {state.creator && (
            <button
              onClick={() => void session.setAccess(state.access === 'ticket' ? 'open' : 'ticket')}
              aria-pressed={state.access === 'ticket'}
              aria-label={state.access === 'ticket' ? 'Open room: let anyone with the room URL join' : 'Invite only: admit only people with an invitation link'}
            >
              {state.access === 'ticket' ? 'Open room' : 'Invite only'}
            </button>
          )}
        </span>
        <button className="danger" onClick={() => session.leave()} aria-label="Leave the call">
          Leave
        </button>
      </footer>
      {!wide && panel && <div className="panel-backdrop" aria-hidden="true" onClick={() => setPanel(undefined)} />}
    </div>
  );
}
