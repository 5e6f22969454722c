/** Where the APIs are: /config.json next to the client (written by the local gateway, or at deploy next to the S3 site). */
import type { ClientConfig } from '../../protocol/index.ts';
import { markJoin } from './call/joinTimeline.ts';

export type { ClientConfig };

let loaded: Promise<ClientConfig> | undefined;

export function clientConfig(): Promise<ClientConfig> {
  loaded ??= fetch('/config.json', { cache: 'no-store' }).then(async (res) => {
    if (!res.ok) throw new Error(`config.json answered ${res.status}`);
    const cfg = (await res.json()) as ClientConfig;
    markJoin('config-loaded');
    return { ...cfg, apiUrl: cfg.apiUrl.replace(/\/$/, ''), iceServers: cfg.iceServers ?? [] };
  });
  return loaded;
}
