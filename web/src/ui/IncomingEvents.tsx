/**
 * Events pushed to the signed-in user's endpoint, shown on every page. An event that carries a room
 * (`urlPath` or `roomUrl`, e.g. an `IncomingCallEvent` "someone is calling you") offers to join it.
 */
import { useEffect, useState } from 'react';
import type { ClientConfig } from '../config.ts';
import { type PushedEvent, UserEndpoint } from '../user/UserEndpoint.ts';
import type { SignedInUser } from '../user/userToken.ts';

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

export function IncomingEvents({ config, user, onJoin }: { config: ClientConfig; user: SignedInUser; onJoin: (room: string) => void }) {
  const [events, setEvents] = useState<PushedEvent[]>([]);
  const [online, setOnline] = useState<'registering' | 'online' | 'offline'>('registering');

  useEffect(() => {
    const endpoint = new UserEndpoint(config.apiUrl, config.webSocketUrl, user.token);
    endpoint.on('event', (event) => setEvents((list) => [event, ...list].slice(0, 5)));
    endpoint.on('state', setOnline);
    void endpoint.start();
    const onHide = () => endpoint.stop();
    addEventListener('pagehide', onHide);
    return () => {
      removeEventListener('pagehide', onHide);
      endpoint.stop();
    };
  }, [config, user.token]);

  const dismiss = (eventId: string) => setEvents((list) => list.filter((e) => e.eventId !== eventId));
  return (
    <aside className="incoming" aria-label="Notifications" data-testid="incoming-events" data-state={online}>
      <span className="user">
        Signed in as {user.userId} {online === 'online' ? '· reachable' : online === 'registering' ? '· connecting…' : '· offline'}
      </span>
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
