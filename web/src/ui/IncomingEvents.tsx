/**
 * Events pushed to the signed-in user's endpoint, shown on every page. An incoming call from one of
 * their call URLs rings with Accept and Decline (and stops when it is answered elsewhere, declined,
 * hung up or missed); other events that carry a room (`urlPath` or `roomUrl`, e.g. "someone is calling
 * you") offer to join it.
 */
import { useEffect, useRef, useState } from 'react';
import type { CallStatusEvent, IncomingCallEvent } from '../../../protocol/index.ts';
import { OwnerApi } from '../api/callsApi.ts';
import { keepAccess, roomKey } from '../api/keptAccess.ts';
import type { ClientConfig } from '../config.ts';
import type { SignedInUser } from '../user/Account.ts';
import { callActivity } from '../user/callActivity.ts';
import { type PushedEvent, UserEndpoint } from '../user/UserEndpoint.ts';
import { loadDisplayName, saveDisplayName } from './displayName.ts';

function roomOf(event: PushedEvent): string | undefined {
  const urlPath = (event as { urlPath?: unknown }).urlPath;
  if (typeof urlPath === 'string') return urlPath;
  const roomUrl = (event as { roomUrl?: unknown }).roomUrl;
  if (typeof roomUrl !== 'string') return undefined;
  try {
    const url = new URL(roomUrl, location.origin);
    return url.origin === location.origin ? url.pathname.replace(/^\/+/, '') : undefined;
  } catch {
    return undefined;
  }
}

function describe(event: PushedEvent): string {
  const from = (event as { from?: unknown; callerName?: unknown }).from ?? (event as { callerName?: unknown }).callerName;
  const who = typeof from === 'string' ? from : 'Someone';
  if (roomOf(event)) return `${who} is calling you`;
  return event.type.replace(/Event$/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** An IncomingCallEvent from one of the user's call URLs (others, say a service's with a `urlPath`, offer to join a room). */
const isCallUrlCall = (event: PushedEvent): event is PushedEvent & IncomingCallEvent =>
  event.type === 'IncomingCallEvent' && typeof event.callId === 'string' && typeof event.ringingUntil === 'string';

/** A call ringing this user. */
interface Ringing {
  callId: string;
  from: string;
  remoteId: string;
  ringingUntil: string;
  problem?: string;
}

export function IncomingEvents({
  config,
  user,
  onJoin,
  onSignOut,
}: {
  config: ClientConfig;
  user: SignedInUser;
  onJoin: (room: string) => void;
  onSignOut: () => void;
}) {
  const [events, setEvents] = useState<PushedEvent[]>([]);
  const [ringing, setRinging] = useState<Ringing[]>([]);
  const [online, setOnline] = useState<'registering' | 'online' | 'offline'>('registering');
  const endpointRef = useRef<UserEndpoint | undefined>(undefined);
  const tokenRef = useRef(user.token);
  tokenRef.current = user.token;
  const [owner] = useState(() => new OwnerApi(config.apiUrl, () => tokenRef.current));

  const ring = (call: Ringing) => {
    if (Date.parse(call.ringingUntil) <= Date.now()) return;
    setRinging((list) => (list.some((c) => c.callId === call.callId) ? list : [...list, call]));
  };
  const stopRinging = (callId: string) => setRinging((list) => list.filter((c) => c.callId !== callId));

  useEffect(() => {
    const endpoint = new UserEndpoint(config.apiUrl, config.webSocketUrl, tokenRef.current);
    endpointRef.current = endpoint;
    endpoint.on('event', (event) => {
      if (isCallUrlCall(event)) {
        ring(event);
        callActivity.changed();
      } else if (event.type === 'CallStatusEvent') {
        stopRinging((event as unknown as CallStatusEvent).callId);
        callActivity.changed();
      } else setEvents((list) => [event, ...list].slice(0, 5));
    });
    endpoint.on('state', setOnline);
    void endpoint.start();
    // calls that started ringing before this tab listened
    void owner.calls(['ringing']).then((list) => list.calls.forEach((c) => ring({ ...c, from: c.callerName ?? c.remoteId })), () => undefined);
    const onHide = () => endpoint.stop();
    addEventListener('pagehide', onHide);
    return () => {
      removeEventListener('pagehide', onHide);
      endpoint.stop();
    };
    // one endpoint per user and tab; a renewed token is handed to it below
  }, [config, user.userId, owner]);

  useEffect(() => endpointRef.current?.setToken(user.token), [user.token]);

  // a call nobody answered stops ringing at its deadline (the server calls it missed)
  useEffect(() => {
    if (ringing.length === 0) return;
    const next = Math.min(...ringing.map((c) => Date.parse(c.ringingUntil)));
    const timer = setTimeout(() => {
      setRinging((list) => list.filter((c) => Date.parse(c.ringingUntil) > Date.now()));
      callActivity.changed();
    }, Math.max(0, next - Date.now()) + 100);
    return () => clearTimeout(timer);
  }, [ringing]);

  const answer = async (call: Ringing) => {
    try {
      const access = await owner.accept(call.callId);
      keepAccess(roomKey(access.urlPath), { access, title: `Call with ${call.from}` });
      if (!loadDisplayName()) saveDisplayName(user.name);
      stopRinging(call.callId);
      callActivity.changed();
      onJoin(access.urlPath);
    } catch (error) {
      setRinging((list) => list.map((c) => (c.callId === call.callId ? { ...c, problem: (error as Error).message } : c)));
    }
  };
  const decline = async (call: Ringing) => {
    stopRinging(call.callId);
    await owner.decline(call.callId).catch(() => undefined); // answered elsewhere, hung up, missed: it rings no more either way
    callActivity.changed();
  };
  const dismiss = (eventId: string) => setEvents((list) => list.filter((e) => e.eventId !== eventId));

  return (
    <aside className="incoming" aria-label="Notifications" data-testid="incoming-events" data-state={online}>
      <span className="row">
        <span className="user">
          Signed in as {user.name} {online === 'online' ? '· reachable' : online === 'registering' ? '· connecting…' : '· offline'}
        </span>
        <button className="small" onClick={onSignOut}>Sign out</button>
      </span>
      {ringing.map((call) => (
        <div key={call.callId} className="banner ringing" role="alert" data-testid="incoming-call" data-call-id={call.callId}>
          <span>
            {call.from} is calling you{call.from !== call.remoteId ? ` (link for ${call.remoteId})` : ''}
            {call.problem && <span className="hint"> — {call.problem}</span>}
          </span>
          <button className="primary" onClick={() => void answer(call)}>Accept</button>
          <button className="danger" onClick={() => void decline(call)}>Decline</button>
        </div>
      ))}
      {events.map((event) => {
        const room = roomOf(event);
        return (
          <div key={event.eventId} className="banner" role="alert" data-testid="incoming-event">
            <span>{describe(event)}</span>
            {room && (
              <button
                className="primary"
                onClick={() => {
                  dismiss(event.eventId);
                  onJoin(room);
                }}
              >
                Join
              </button>
            )}
            <button onClick={() => dismiss(event.eventId)} aria-label="Dismiss notification">
              ×
            </button>
          </div>
        );
      })}
    </aside>
  );
}
