/** Routes: `/` is the landing page, `/<room-name>` is the call, `/t/<ticketId>` joins by a share ticket. */
import { useEffect, useState } from 'react';
import { URL_PATH_PATTERN } from '../../../protocol/urlPath.ts';
import { type ClientConfig, clientConfig } from '../config.ts';
import { signedInUser } from '../user/userToken.ts';
import { CallPage } from './CallPage.tsx';
import { IncomingEvents } from './IncomingEvents.tsx';
import { Landing } from './Landing.tsx';

export function App() {
  // read once, before anything else uses the URL (the token leaves the address bar)
  const [user] = useState(() => signedInUser());
  return <Page user={user} />;
}

function Page({ user }: { user: ReturnType<typeof signedInUser> }) {
  const [path, setPath] = useState(() => decodeURIComponent(location.pathname.replace(/^\/+|\/+$/g, '')));
  const [config, setConfig] = useState<ClientConfig | undefined>();
  const [configError, setConfigError] = useState<string | undefined>();

  useEffect(() => {
    const onPop = () => setPath(decodeURIComponent(location.pathname.replace(/^\/+|\/+$/g, '')));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    clientConfig().then(setConfig, (e: Error) => setConfigError(`The server cannot be reached (${e.message}).`));
  }, []);

  const go = (room: string) => {
    history.pushState(null, '', `/${encodeURIComponent(room)}`);
    setPath(room);
  };

  if (configError) {
    return (
      <main className="center">
        <h1>Cannot reach the server</h1>
        <p role="alert">{configError}</p>
        <button onClick={() => location.reload()}>Try again</button>
      </main>
    );
  }
  // a signed-in user's endpoint: pushed events (someone calling) show on every page
  const incoming = user && config ? <IncomingEvents config={config} user={user} onJoin={go} /> : null;
  const withIncoming = (content: React.ReactNode) => (
    <>
      {incoming}
      {content}
    </>
  );
  if (path === '') return withIncoming(<Landing onGo={go} />);
  const ticket = /^t\/([A-Za-z0-9_-]+)$/.exec(path);
  if (ticket?.[1]) {
    if (!config) return <main className="center" aria-busy="true">Loading…</main>;
    return withIncoming(<CallPage key={path} config={config} source={{ kind: 'ticket', ticketId: ticket[1] }} onHome={() => go('')} />);
  }
  if (!URL_PATH_PATTERN.test(path)) {
    return (
      <main className="center">
        <h1>That is not a room name</h1>
        <p role="alert">Room names are 1-64 letters, digits, “-” or “_”.</p>
        <button onClick={() => go('')}>Choose another</button>
      </main>
    );
  }
  if (!config) return <main className="center" aria-busy="true">Loading…</main>;
  return withIncoming(<CallPage key={path} config={config} source={{ kind: 'path', urlPath: path }} onHome={() => go('')} />);
}
