/**
 * Service credentials through the local stack: the OAuth 2.0 token endpoint (success and every error
 * of RFC 6749 5.2, rate limiting, revocation), the `npm run clients` command, scopes gating the HTTP
 * API, and tokens from an external issuer (a second key pair serving its own JWKS).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTokenSigner } from '../../lambdas/core/tokens/localTokenSigner.ts';
import { REPO_ROOT } from '../../local/stack.ts';
import type { TokenClaims } from '../../protocol/index.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
import { join, openRoom } from '../helpers/signalingRoom.ts';
import { WsClient, WsRefused } from '../helpers/wsClient.ts';

const MAX_FAILURES = 3;
let stack: TestStack;
let jwksServer: Server;
let external: LocalTokenSigner;
let unconfigured: LocalTokenSigner;

/** Claims of another issuer's token (any shape). */
const claims = (c: Record<string, unknown>) => c as unknown as TokenClaims & Record<string, unknown>;

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

async function tokenRequest(body: string, headers: Record<string, string> = {}) {
  return call(stack.url, 'POST', '/security/oauth/token', body, { 'content-type': 'application/x-www-form-urlencoded', ...headers });
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function newClient(scopes: string) {
  return stack.deps().clientAdmin.create(`test ${scopes}`, scopes.split(' ').filter(Boolean));
}

async function accessToken(clientId: string, clientSecret: string): Promise<string> {
  const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }));
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

/** A new client's access token with `scopes`. */
async function clientToken(scopes: string): Promise<string> {
  const client = await newClient(scopes);
  return accessToken(client.clientId, client.clientSecret);
}

beforeAll(async () => {
  // an "organisation's identity provider": its own key, its JWKS on loopback
  const pem = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  jwksServer = createServer((req, res) => {
    void external.jwks().then((jwks) => {
      res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    });
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const idp = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  external = new LocalTokenSigner(pem(), idp);
  unconfigured = new LocalTokenSigner(pem(), 'http://127.0.0.1:9/other-idp');
  stack = await startStack({
    OAUTH_MAX_FAILURES: String(MAX_FAILURES),
    OAUTH_FAILURE_WINDOW_SECONDS: '3600',
    MAX_ROOMS: '4',
    ANONYMOUS_MAX_ROOMS: '1',
    EXTERNAL_ISSUERS: JSON.stringify([{ issuer: idp, audience: 'video-rooms', jwksUri: `${idp}/jwks.json`, scopes: ['rooms:create'] }]),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  jwksServer?.close();
});

describe('POST /security/oauth/token', () => {
  it('issues a bearer token for the client credentials in the body or with HTTP Basic', async () => {
    const client = await newClient('rooms:create rooms:admin');
    const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'rooms:create rooms:admin' });

    const viaBasic = await tokenRequest(form({ grant_type: 'client_credentials', scope: 'rooms:admin' }), {
      authorization: basic(client.clientId, client.clientSecret),
    });
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.body.scope).toBe('rooms:admin');
    // the token is accepted by the API, with the scopes asked for
    const payload = JSON.parse(Buffer.from((viaBasic.body.access_token as string).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ sub: client.clientId, role: 'service', scope: 'rooms:admin', aud: 'video-rooms', iss: stack.url });
  });

  it('answers every RFC 6749 5.2 error with {error, error_description}', async () => {
    const client = await newClient('rooms:create');
    const creds = { client_id: client.clientId, client_secret: client.clientSecret };
    const cases: [string, Promise<Awaited<ReturnType<typeof tokenRequest>>>, number, string][] = [
      ['missing grant_type', tokenRequest(form(creds)), 400, 'invalid_request'],
      ['JSON body', call(stack.url, 'POST', '/security/oauth/token', { grant_type: 'client_credentials', ...creds }), 400, 'invalid_request'],
      ['repeated parameter', tokenRequest(`${form({ grant_type: 'client_credentials', ...creds })}&grant_type=client_credentials`), 400, 'invalid_request'],
      [
        'two authentication methods',
        tokenRequest(form({ grant_type: 'client_credentials', ...creds }), { authorization: basic(client.clientId, client.clientSecret) }),
        400,
        'invalid_request',
      ],
      ['password grant', tokenRequest(form({ grant_type: 'password', username: 'a', password: 'b', ...creds })), 400, 'unsupported_grant_type'],
      ['scope not granted', tokenRequest(form({ grant_type: 'client_credentials', scope: 'rooms:admin', ...creds })), 400, 'invalid_scope'],
      ['unknown scope', tokenRequest(form({ grant_type: 'client_credentials', scope: 'everything', ...creds })), 400, 'invalid_scope'],
      ['no credentials', tokenRequest(form({ grant_type: 'client_credentials' })), 401, 'invalid_client'],
    ];
    for (const [name, pending, status, error] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      expect(res.body, name).toEqual({ error, error_description: expect.any(String) });
      expect(res.headers.get('cache-control'), name).toBe('no-store');
    }
    const unknown = await tokenRequest(form({ grant_type: 'client_credentials', client_id: 'vrc_nobody', client_secret: 'x' }));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    const wrongBasic = await tokenRequest(form({ grant_type: 'client_credentials' }), { authorization: basic(client.clientId, 'wrong') });
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.body.error).toBe('invalid_client');
    expect(wrongBasic.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it(`refuses a client id after ${MAX_FAILURES} failed attempts, even with the right secret; other clients are unaffected`, async () => {
    const [target, bystander] = [await newClient('rooms:create'), await newClient('rooms:create')];
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: target.clientId, client_secret: `guess-${i}` }));
      expect(res.status).toBe(401);
    }
    const locked = await tokenRequest(form({ grant_type: 'client_credentials', client_id: target.clientId, client_secret: target.clientSecret }));
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('invalid_client');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await accessToken(bystander.clientId, bystander.clientSecret)).toEqual(expect.any(String));
  });

  it('stores only a scrypt hash of the secret', async () => {
    const client = await newClient('rooms:admin');
    const snapshot = await stack.snapshot();
    const stored = JSON.stringify(snapshot.clients.find((c) => JSON.stringify(c).includes(client.clientId)));
    expect(stored).toMatch(/"scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}"/);
    expect(JSON.stringify(snapshot)).not.toContain(client.clientSecret);
  });
});

describe('npm run clients', () => {
  /**
   * The command as a child process, awaited (not spawnSync: blocking this process's event loop for
   * seconds lets the gateway close an idle keep-alive socket unseen, and the next fetch then fails
   * on it with "other side closed").
   */
  const runWith = (stateFile: string, ...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'bin/clients.ts', ...args],
        { cwd: REPO_ROOT, env: { ...process.env, LOCAL_STATE_FILE: stateFile, CLIENTS_TABLE: '' }, encoding: 'utf8', timeout: 60_000 },
        (error, stdout, stderr) => resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const run = (...args: string[]) => runWith(stack.env.LOCAL_STATE_FILE!, ...args);

  it('creates (secret shown once), lists and revokes against the running local stack; a revoked client is refused at once', async () => {
    const created = await run('create', '--name', 'billing', '--scopes', 'rooms:create,rooms:admin', '--json');
    expect(created.status, created.stderr).toBe(0);
    const client = JSON.parse(created.stdout) as { clientId: string; clientSecret: string; scopes: string[] };
    expect(client.scopes).toEqual(['rooms:create', 'rooms:admin']);
    const token = await accessToken(client.clientId, client.clientSecret);

    const listed = await run('list', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    const clients = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(clients.find((c) => c.clientId === client.clientId)).toMatchObject({ name: 'billing', scopes: ['rooms:create', 'rooms:admin'] });
    expect(listed.stdout).not.toContain('secretHash');
    expect(listed.stdout).not.toContain(client.clientSecret);

    expect((await run('revoke', client.clientId)).status).toBe(0);
    const refused = await tokenRequest(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }));
    expect(refused.status).toBe(401);
    // its token already issued stops working too
    const withOldToken = await call(stack.url, 'PUT', '/createRoom', undefined, bearer(token));
    expect(withOldToken.status).toBe(401);
    expect(withOldToken.body.message).toMatch(/revoked/);
    expect((await run('revoke', client.clientId)).status).toBe(1);
  });

  it('says what is wrong: unknown scope, missing name, no stack to talk to', async () => {
    const badScope = await run('create', '--name', 'x', '--scopes', 'rooms:everything');
    expect(badScope.status).toBe(1);
    expect(badScope.stderr).toMatch(/unknown scope rooms:everything/);
    expect((await run('create')).stderr).toMatch(/create needs --name/);
    const noStack = await runWith('/nonexistent/state.json', 'list');
    expect(noStack.status).toBe(1);
    expect(noStack.stderr).toMatch(/no local stack is running/);
  });
});

describe('scopes gate the HTTP API', () => {
  it('createRoom: anonymous callers fill only their allowance; rooms:create goes up to the cap', async () => {
    const creator = await clientToken('rooms:create');
    const admin = await clientToken('rooms:admin');
    const anonymous = await call(stack.url, 'PUT', '/createRoom');
    expect(anonymous.status).toBe(200); // 1 live room: the anonymous allowance
    const refused = await call(stack.url, 'PUT', '/createRoom');
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/anonymous callers.*rooms:create/);
    expect((await call(stack.url, 'PUT', '/createRoom', undefined, bearer(admin))).status).toBe(429);
    expect((await call(stack.url, 'PUT', '/createRoom', undefined, bearer(creator))).status).toBe(200);
    // a token of an external issuer configured with rooms:create counts too
    const idpToken = await external.sign(claims({ sub: 'alice@example.com', org: 'acme' }), 300);
    expect((await call(stack.url, 'PUT', '/createRoom', undefined, bearer(idpToken))).status).toBe(200);
    const live = await stack.deps().roomRepository.listByStatus('STARTING', 10);
    for (const room of live) await stack.deps().signaling.closeRoom(room.roomId, 'test cleanup');
  });

  it('DELETE /rooms/{roomId} needs rooms:admin; it closes the room and tells its clients', async () => {
    const room = await openRoom(stack, 'to-close');
    const member = await join(stack, 'to-close');
    const admin = await clientToken('rooms:admin');
    const creator = await clientToken('rooms:create');
    expect((await call(stack.url, 'DELETE', `/rooms/${room.roomId}`)).status).toBe(401);
    expect((await call(stack.url, 'DELETE', `/rooms/${room.roomId}`, undefined, bearer(room.creator.token))).status).toBe(403);
    expect((await call(stack.url, 'DELETE', `/rooms/${room.roomId}`, undefined, bearer(creator))).status).toBe(403);
    expect((await call(stack.url, 'DELETE', `/rooms/${room.roomId}`, undefined, bearer('not.a.token'))).status).toBe(401);
    expect((await stack.deps().roomRepository.getRoom(room.roomId))?.status).toBe('CLAIMED');

    const closed = await call(stack.url, 'DELETE', `/rooms/${room.roomId}`, undefined, bearer(admin));
    expect(closed.status).toBe(204);
    const event = await member.ws.next((f) => f.type === 'event' && f.event.type === 'RoomClosedEvent', 10_000, 'RoomClosedEvent');
    expect(event).toMatchObject({ event: { roomId: room.roomId, reason: expect.stringMatching(/^closed by service vrc_/) } });
    expect((await stack.deps().roomRepository.getRoom(room.roomId))?.status).toBe('CLOSED');
    expect((await call(stack.url, 'GET', '/getRoomId?urlPath=to-close')).status).toBe(404);
    expect((await call(stack.url, 'DELETE', `/rooms/${room.roomId}`, undefined, bearer(admin))).status).toBe(404);
    room.sfu.socket.close();
    member.ws.socket.close();
  });

  it('an external issuer is accepted when configured, with its scopes; another issuer is refused', async () => {
    const room = await openRoom(stack, 'idp-room');
    const scoped = await external.sign(claims({ sub: 'ops@example.com', scope: 'openid rooms:admin', org: 'acme' }), 300);
    const state = await call(stack.url, 'GET', `/rooms/${room.roomId}`, undefined, bearer(scoped));
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ roomId: room.roomId, status: 'CLAIMED', access: 'open' });
    const unscoped = await external.sign(claims({ sub: 'intern@example.com' }), 300);
    expect((await call(stack.url, 'GET', `/rooms/${room.roomId}`, undefined, bearer(unscoped))).status).toBe(403);
    const foreign = await unconfigured.sign(claims({ sub: 'ops@example.com', scope: 'rooms:admin' }), 300);
    const refused = await call(stack.url, 'GET', `/rooms/${room.roomId}`, undefined, bearer(foreign));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
    // an external token is no room token: the WebSocket API refuses it at $connect
    await expect(WsClient.connect(stack.wsUrl, scoped)).rejects.toEqual(new WsRefused(401));
    room.sfu.socket.close();
  });
});
