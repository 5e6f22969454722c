/**
 * Routes: `/` is the landing page, `/<room-name>` is the call, `/t/<ticketId>` joins by a share ticket,
 * `/c/<token>` calls a call URL's owner, `/auth/callback` (and `/auth/silent`) finish a sign-in with the
 * deployment's OpenID Connect provider.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { URL_PATH_PATTERN } from '../../../protocol/urlPath.ts';
import { type ClientConfig, clientConfig } from '../config.ts';
import { Account } from '../user/Account.ts';
import { CALLBACK_PATH, SILENT_PATH } from '../user/providerSignIn.ts';
import { handedUser } from '../user/userToken.ts';
import { CallerPage } from './CallerPage.tsx';
import { CallLinks } from './CallLinks.tsx';
import { CallPage } from './CallPage.tsx';
import { IncomingEvents } from './IncomingEvents.tsx';
import { Landing } from './Landing.tsx';

const currentPath = () => decodeURIComponent(location.pathname.replace(/^\/+|\/+$/g, ''));

export function App() {
  // read once, before anything else uses the URL (a handed token leaves the address bar)
  const [handed] = useState(() => handedUser());
  const [config, setConfig] = useState<ClientConfig | undefined>();
  const [configError, setConfigError] = useState<string | undefined>();

  useEffect(() => {
    clientConfig().then(setConfig, (e: Error) => setConfigError(`The server cannot be reached (${e.message}).`));
  }, []);

  if (configError) {
    return (
      <main className="center">
        <h1>Cannot reach the server</h1>
        <p role="alert">{configError}</p>
        <button onClick={() => location.reload()}>Try again</button>
      </main>
    );
  }
  if (!config) return <main className="center" aria-busy="true">Loading…</main>;
  return <Signed config={config} handed={handed} />;
}

function Signed({ config, handed }: { config: ClientConfig; handed: ReturnType<typeof handedUser> }) {
  const [account] = useState(() => new Account(config, handed));
  const user = useSyncExternalStore(account.subscribe, account.snapshot);
  const [path, setPath] = useState(currentPath);
  const [signInProblem, setSignInProblem] = useState<string | undefined>();
  const finishing = `/${path}` === CALLBACK_PATH || `/${path}` === SILENT_PATH;

  useEffect(() => {
    const onPop = () => setPath(currentPath());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    if (!finishing) {
      void account.restore();
      return;
    }
    account.completeSignIn().then(
      (returnTo) => {
        if (`/${path}` === SILENT_PATH) return; // the hidden renewal frame: its parent takes it from here
        history.replaceState(null, '', returnTo);
        setPath(currentPath());
      },
      (error: Error) => setSignInProblem(error.message),
    );
    // once, for the page as it was opened
  }, [account]);

  const go = (room: string) => {
    history.pushState(null, '', `/${encodeURIComponent(room)}`);
    setPath(room);
  };

  if (finishing) {
    if (`/${path}` === SILENT_PATH) return null;
    return signInProblem ? (
      <main className="center">
        <h1>Sign-in did not work</h1>
        <p role="alert">{signInProblem}</p>
        <button className="primary" onClick={() => void account.signIn('/')}>Try again</button>
        <button onClick={() => go('')}>Home</button>
      </main>
    ) : (
      <main className="center" aria-busy="true">Signing you in…</main>
    );
  }

  const signOut = () => void account.signOut();
  // the signed-in user's endpoint: pushed events (someone calling) show on every page
  const corner = user ? (
    <IncomingEvents config={config} user={user} onJoin={go} onSignOut={signOut} />
  ) : account.canSignIn ? (
    <aside className="incoming" aria-label="Account">
      <button onClick={() => void account.signIn()} data-testid="sign-in">Sign in</button>
    </aside>
  ) : null;
  const page = (content: React.ReactNode) => (
    <>
      {corner}
      {content}
    </>
  );
  const home = () => go('');
  if (path === '') {
    return page(<Landing onGo={go}>{user && <CallLinks config={config} token={() => account.snapshot()?.token ?? user.token} />}</Landing>);
  }
  const link = /^(t|c)\/([A-Za-z0-9_-]+)$/.exec(path);
  if (link?.[1] === 't' && link[2]) return page(<CallPage key={path} config={config} source={{ kind: 'ticket', ticketId: link[2] }} onHome={home} />);
  if (link?.[1] === 'c' && link[2]) return page(<CallerPage key={path} config={config} callToken={link[2]} onHome={home} />);
  if (!URL_PATH_PATTERN.test(path)) {
    return (
      <main className="center">
        <h1>That is not a room name</h1>
        <p role="alert">Room names are 1-64 letters, digits, “-” or “_”.</p>
        <button onClick={home}>Choose another</button>
      </main>
    );
  }
  return page(<CallPage key={path} config={config} source={{ kind: 'path', urlPath: path }} onHome={home} />);
}
