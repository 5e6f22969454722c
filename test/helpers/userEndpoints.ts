/**
 * User endpoints on a test stack: an "organisation's identity provider" (its own key, its JWKS on
 * loopback) whose tokens are users with an organisation claim, and endpoint WebSocket clients.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalTokenSigner } from '../../lambdas/core/tokens/localTokenSigner.ts';
import type { TokenClaims } from '../../protocol/index.ts';
import { call, type TestStack } from './localStack.ts';
import { WsClient } from './wsClient.ts';

export interface Idp {
  issuer: string;
  /** EXTERNAL_ISSUERS for startStack. */
  env: Record<string, string>;
  /** A user's token: subject `sub`, organisation claim `org` (omitted when undefined), and any other claims. */
  userToken(sub: string, org: string | undefined, claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startIdp(): Promise<Idp> {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const holder: { signer?: LocalTokenSigner } = {};
  const server: Server = createServer((req, res) => {
    void holder.signer!.jwks().then((jwks) => {
      res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signer = new LocalTokenSigner(pem, issuer);
  holder.signer = signer;
  return {
    issuer,
    env: { EXTERNAL_ISSUERS: JSON.stringify([{ issuer, audience: 'video-rooms', jwksUri: `${issuer}/jwks.json`, organizationClaim: 'org' }]) },
    userToken: (sub, org, claims = {}) => signer.sign({ ...claims, sub, ...(org !== undefined && { org }) } as unknown as TokenClaims & Record<string, unknown>, 3600),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** POST /rtc-api/users/endpoints/register; the new endpoint's id. */
export async function registerEndpoint(stack: TestStack, token: string, body: Record<string, unknown> = { keepAliveSeconds: 3600 }): Promise<string> {
  const res = await call(stack.url, 'POST', '/rtc-api/users/endpoints/register', body, bearer(token));
  if (res.status !== 200) throw new Error(`register answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** The WebSocket API's URL for a user token connecting for one of its endpoints. */
export const endpointWsUrl = (stack: TestStack, token: string, userEndpointId: string): string =>
  `${stack.wsUrl}?token=${encodeURIComponent(token)}&userEndpointId=${encodeURIComponent(userEndpointId)}`;

/** A WebSocket connection identified as the endpoint (its `identified` frame consumed). */
export async function connectEndpoint(stack: TestStack, token: string, userEndpointId: string): Promise<WsClient> {
  const ws = await WsClient.connect(endpointWsUrl(stack, token, userEndpointId));
  ws.send({ action: 'identify', data: { type: 'endpoint', id: userEndpointId } });
  const frame = await ws.next((f) => f.type === 'identified' || f.type === 'error', 10_000, 'identified');
  if (frame.type !== 'identified') {
    await ws.close();
    throw new Error(`identify failed: ${JSON.stringify(frame)}`);
  }
  return ws;
}
