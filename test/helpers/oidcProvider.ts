/**
 * A real OpenID Connect provider on loopback for the browser tests: the npm package `oidc-provider`
 * (a certified implementation) with its own login and consent pages, one public client (the web
 * client: authorization code with PKCE, refresh tokens) and users whose ID tokens carry a name and an
 * organisation claim. `env` points a test stack at it: config.json's sign-in settings and the API's
 * EXTERNAL_ISSUERS (its JWKS over http, through the project's own fetcher).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '../../local/freePort.ts';

export const WEB_CLIENT_ID = 'video-rooms-web';

export interface TestOidcProvider {
  issuer: string;
  /** SIGN_IN_* and EXTERNAL_ISSUERS for startStack (with PORT, the site the client is registered for). */
  env: Record<string, string>;
  /** The site the client's redirect URIs are on: the stack must listen here. */
  siteUrl: string;
  close(): Promise<void>;
}

export interface OidcProviderOptions {
  /** Lifetime of access and ID tokens: short, to see them renewed. */
  tokenSeconds?: number;
  /** Display names by login; anyone else is named after their login. */
  names?: Record<string, string>;
  organization?: string;
}

export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<TestOidcProvider> {
  const sitePort = await freePort();
  const siteUrl = `http://127.0.0.1:${sitePort}`;
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const tokenSeconds = options.tokenSeconds ?? 3600;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${siteUrl}/auth/callback`, `${siteUrl}/auth/silent`],
        post_logout_redirect_uris: [`${siteUrl}/`],
      },
    ],
    jwks: { keys: [{ ...key, kid: 'test-key', use: 'sig', alg: 'RS256' }] as never },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'profile', 'org', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name'], org: ['org'] },
    // the ID token is the web client's bearer token: it carries the name and the organisation
    conformIdTokenClaims: false,
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, name: options.names?.[id] ?? id, org: options.organization ?? 'acme' }),
    }),
    features: { devInteractions: { enabled: true }, revocation: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    // the public web client renews with refresh tokens, without asking for offline_access
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    clientBasedCORS: (_ctx, origin) => origin === siteUrl,
    pkce: { methods: ['S256'], required: () => true },
    ttl: { AccessToken: tokenSeconds, IdToken: tokenSeconds, RefreshToken: 86_400, Session: 86_400, Grant: 86_400, Interaction: 600 },
  });
  // (it warns about its in-memory store and development login pages: both are what a test wants)
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    issuer,
    siteUrl,
    env: {
      PORT: String(sitePort),
      SIGN_IN_ISSUER: issuer,
      SIGN_IN_CLIENT_ID: WEB_CLIENT_ID,
      SIGN_IN_SCOPE: 'openid profile org',
      EXTERNAL_ISSUERS: JSON.stringify([{ issuer, audience: WEB_CLIENT_ID, jwksUri: `${issuer}/jwks`, organizationClaim: 'org' }]),
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
