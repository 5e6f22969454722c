/** Routes: `/` is the landing page, `/<room-name>` is the call. */
import { useEffect, useState } from 'react';
import { URL_PATH_PATTERN } from '../../../protocol/urlPath.ts';
import { type ClientConfig, clientConfig } from '../config.ts';
import { CallPage } from './CallPage.tsx';
import { Landing } from './Landing.tsx';

export function App() {
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
  if (path === '') return <Landing onGo={go} />;
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
  return <CallPage key={path} config={config} room={path} onHome={() => go('')} />;
}
