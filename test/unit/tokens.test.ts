/** The local signer and the verifier (aws-jwt-verify with the http fetcher) against a JWKS served on loopback. */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTokenSigner } from '../../lambdas/core/tokens/localTokenSigner.ts';
import { InvalidTokenError, TokenVerifier } from '../../lambdas/core/tokens/tokenVerifier.ts';

const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
let server: Server;
let issuer: string;
let signer: LocalTokenSigner;
const keyPem = pem();
let jwksRequests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    jwksRequests++;
    void signer.jwks().then((jwks) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  signer = new LocalTokenSigner(keyPem, issuer);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('tokens', () => {
  it('round-trips claims and fetches the JWKS once (cached)', async () => {
    const verifier = new TokenVerifier(issuer, `${issuer}/.well-known/jwks.json`);
    const token = await signer.sign({ sub: 'peer-1', room: 'room-1', role: 'participant' }, 600);
    expect(await verifier.verify(token)).toEqual({ kind: 'participant', subject: 'peer-1', roomId: 'room-1', via: 'url' });
    expect(await verifier.verify(await signer.sign({ sub: 's', room: 'r', role: 'sfu' }, 600))).toEqual({ kind: 'sfu', subject: 's', roomId: 'r' });
    expect(jwksRequests).toBe(1);
    const jwks = await signer.jwks();
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(JSON.stringify(jwks)).not.toMatch(/"d"|"p"|"q"/); // no private parts
  });

  it('refuses missing, expired, forged and other-issuer tokens', async () => {
    const verifier = new TokenVerifier(issuer, `${issuer}/.well-known/jwks.json`);
    await expect(verifier.verify(undefined)).rejects.toThrow(InvalidTokenError);
    await expect(verifier.verify(await signer.sign({ sub: 'a', room: 'r', role: 'participant' }, 60, Date.now() - 120_000))).rejects.toThrow(/expired/i);
    await expect(verifier.verify(await new LocalTokenSigner(keyPem, 'http://other').sign({ sub: 'a', room: 'r', role: 'participant' }, 60))).rejects.toThrow(/issuer|iss/i);
    await expect(verifier.verify(await new LocalTokenSigner(pem(), issuer).sign({ sub: 'a', room: 'r', role: 'participant' }, 60))).rejects.toThrow(InvalidTokenError);
    await expect(verifier.verify('a.b.c')).rejects.toThrow(InvalidTokenError);
    // a forged key id does not stop valid tokens from verifying (the known key stays cached)
    expect(await verifier.verify(await signer.sign({ sub: 'ok', room: 'r', role: 'participant' }, 60))).toMatchObject({ subject: 'ok' });
  });

  it('maps an external issuer\'s token to a user: name from name / preferred_username / email, organisation from its claim or the issuer\'s', async () => {
    // the test signer's tokens say aud: video-rooms
    const external = { issuer, audience: 'video-rooms', jwksUri: `${issuer}/.well-known/jwks.json`, scopes: [], organizationClaim: 'tenant', organization: 'staff' };
    const verifier = new TokenVerifier('http://this-deployment', 'http://this-deployment/jwks', [external]);
    const user = (claims: Record<string, unknown>) => signer.sign(claims as never, 600);
    expect(await verifier.verify(await user({ sub: 'u1', name: 'Una', tenant: 'acme' }))).toEqual({
      kind: 'user',
      subject: 'u1',
      issuer,
      scopes: [],
      organizationId: 'acme',
      displayName: 'Una',
    });
    expect(await verifier.verify(await user({ sub: 'u2', preferred_username: 'u.two', email: 'u2@x' }))).toMatchObject({ displayName: 'u.two', organizationId: 'staff' });
    expect(await verifier.verify(await user({ sub: 'u3', email: 'u3@x', name: 42 }))).toMatchObject({ displayName: 'u3@x' });
    expect(await verifier.verify(await user({ sub: 'u4' }))).not.toHaveProperty('displayName');
  });

  it('checks the audience of an external issuer\'s tokens, except for one configured with audience null (the deployment\'s own Cognito pool)', async () => {
    const token = await signer.sign({ sub: 'pool-user' } as never, 600); // aud: video-rooms
    const strict = new TokenVerifier('http://this-deployment', 'http://this-deployment/jwks', [
      { issuer, audience: 'web-client', jwksUri: `${issuer}/.well-known/jwks.json`, scopes: [], organizationClaim: 'org' },
    ]);
    await expect(strict.verify(token)).rejects.toThrow(/audience|aud/i);
    const own = new TokenVerifier('http://this-deployment', 'http://this-deployment/jwks', [
      { issuer, audience: null, jwksUri: `${issuer}/.well-known/jwks.json`, scopes: [], organizationClaim: 'org', organization: 'VideoRooms' },
    ]);
    expect(await own.verify(token)).toMatchObject({ kind: 'user', subject: 'pool-user', organizationId: 'VideoRooms' });
  });
});
