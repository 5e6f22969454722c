/**
 * The signed-in user's call links (make one for someone, copy it, revoke it) and the calls they missed,
 * on the landing page. The lists reload whenever a call rings, is answered or is missed.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { CallResponse, CallUrlSummary, CreateCallUrlResponse } from '../../../protocol/index.ts';
import { OwnerApi } from '../api/callsApi.ts';
import type { ClientConfig } from '../config.ts';
import { callActivity } from '../user/callActivity.ts';

const VALIDITY = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '1 week', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
];

export function CallLinks({ config, token }: { config: ClientConfig; token: () => string }) {
  const [api] = useState(() => new OwnerApi(config.apiUrl, token));
  const [links, setLinks] = useState<CallUrlSummary[]>([]);
  const [missed, setMissed] = useState<CallResponse[]>([]);
  const [made, setMade] = useState<CreateCallUrlResponse | undefined>();
  const [remoteId, setRemoteId] = useState('');
  const [seconds, setSeconds] = useState(VALIDITY[1]!.seconds);
  const [problem, setProblem] = useState<string | undefined>();

  useEffect(() => {
    const load = () =>
      void Promise.all([api.callUrls(), api.calls(['missed'], 20)]).then(
        ([l, m]) => {
          setLinks(l.callUrls);
          setMissed(m.calls);
        },
        (e: Error) => setProblem(`Could not load your call links: ${e.message}`),
      );
    load();
    return callActivity.on('changed', load);
  }, [api]);

  const make = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    try {
      const link = await api.createCallUrl(remoteId.trim(), seconds);
      setMade(link);
      setRemoteId('');
      callActivity.changed();
      await navigator.clipboard?.writeText(link.callUrl).catch(() => undefined);
    } catch (error) {
      setProblem(`Could not make the link: ${(error as Error).message}`);
    }
  };
  const revoke = async (link: CallUrlSummary) => {
    try {
      await api.revoke(link.callToken);
      if (made?.callToken === link.callToken) setMade(undefined);
      callActivity.changed();
    } catch (error) {
      setProblem(`Could not revoke the link: ${(error as Error).message}`);
    }
  };

  return (
    <section className="call-links" aria-label="Call links">
      <h2>Call links</h2>
      <p className="hint">A link that rings you here: whoever has it can call you until it expires.</p>
      <form onSubmit={(e) => void make(e)}>
        <label>
          For
          <input value={remoteId} onChange={(e) => setRemoteId(e.target.value)} placeholder="Who you give it to (e.g. alice@example.com)" maxLength={128} required />
        </label>
        <label>
          Valid for
          <select value={seconds} onChange={(e) => setSeconds(Number(e.target.value))}>
            {VALIDITY.map((v) => (
              <option key={v.seconds} value={v.seconds}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={remoteId.trim() === ''}>Make a call link</button>
      </form>
      {made && (
        <p className="banner" role="status">
          <label>
            New call link (copied)
            <input readOnly value={made.callUrl} aria-label="New call link" data-testid="new-call-url" onFocus={(e) => e.currentTarget.select()} />
          </label>
        </p>
      )}
      {problem && <p role="alert">{problem}</p>}
      {links.length > 0 && (
        <ul className="links" data-testid="call-url-list">
          {links.map((link) => (
            <li key={link.callToken} data-testid="call-url">
              <span>
                {link.remoteId} · until {new Date(link.expiresAt).toLocaleString()}
              </span>
              <input readOnly value={link.callUrl} aria-label={`Call link for ${link.remoteId}`} onFocus={(e) => e.currentTarget.select()} />
              <button onClick={() => void revoke(link)} aria-label={`Revoke the call link for ${link.remoteId}`}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <h2>Missed calls</h2>
      {missed.length === 0 ? (
        <p className="hint" data-testid="no-missed-calls">None.</p>
      ) : (
        <ul className="missed" data-testid="missed-calls">
          {missed.map((c) => (
            <li key={c.callId} data-testid="missed-call">
              {c.callerName ?? c.remoteId}
              {c.callerName ? ` (link for ${c.remoteId})` : ''} · {new Date(c.createdAt).toLocaleString()}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
