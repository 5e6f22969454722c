/**
 * KmsTokenSigner against a fake KMS: a `send` that answers Sign and GetPublicKey with a real RSA key
 * held in the test (node:crypto), so the tokens it mints are checked by a real verifier.
 */
import { constants, createPublicKey, type JsonWebKey as CryptoJwk, generateKeyPairSync, type KeyObject, privateEncrypt, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks as VerifierJwks } from 'aws-jwt-verify/jwk';
import { describe, expect, it } from 'vitest';
import { KmsTokenSigner, type KmsSigningClient } from '../../lambdas/core/tokens/kmsTokenSigner.ts';
import { LocalTokenSigner } from '../../lambdas/core/tokens/localTokenSigner.ts';
import { TOKEN_AUDIENCE } from '../../protocol/index.ts';

const KEY_ID = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ISSUER = 'https://abc123.execute-api.us-east-1.amazonaws.com';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface Call {
  command: string;
  input: Record<string, unknown>;
}

/** A KMS double: RSASSA_PKCS1_V1_5_SHA_256 with a local key, RAW or DIGEST messages, as KMS does. */
function fakeKms(privateKey: KeyObject = rsa.privateKey, opts: { failPublicKeyOnce?: boolean; keySpec?: string } = {}) {
  const calls: Call[] = [];
  let failPublicKey = opts.failPublicKeyOnce ?? false;
  const client = {
    async send(command: SignCommand | GetPublicKeyCommand) {
      const input = command.input as unknown as Record<string, unknown>;
      if (command instanceof GetPublicKeyCommand) {
        calls.push({ command: 'GetPublicKey', input });
        if (failPublicKey) {
          failPublicKey = false;
          throw new Error('ThrottlingException');
        }
        expect(input.KeyId).toBe(KEY_ID);
        return {
          $metadata: {},
          KeyId: KEY_ID,
          KeySpec: opts.keySpec ?? 'RSA_2048',
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms: ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'],
          PublicKey: new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })),
        };
      }
      if (command instanceof SignCommand) {
        calls.push({ command: 'Sign', input });
        expect(input.KeyId).toBe(KEY_ID);
        expect(input.SigningAlgorithm).toBe('RSASSA_PKCS1_V1_5_SHA_256');
        const message = Buffer.from(input.Message as Uint8Array);
        const signature =
          input.MessageType === 'DIGEST'
            ? // PKCS#1 v1.5 over a precomputed SHA-256: prefix the DigestInfo header, as KMS does.
              privateEncrypt(
                { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
                Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), message]),
              )
            : sign('sha256', message, privateKey);
        return { $metadata: {}, KeyId: KEY_ID, SigningAlgorithm: input.SigningAlgorithm, Signature: new Uint8Array(signature) };
      }
      throw new Error('unexpected command');
    },
  };
  return { client: client as KmsSigningClient, calls };
}

const claims = { sub: 'peer-1', room: 'room-1', role: 'participant' as const };

function verifierFor(signer: KmsTokenSigner) {
  return signer.jwks().then((jwks) => {
    const verifier = JwtVerifier.create({ issuer: ISSUER, audience: TOKEN_AUDIENCE, jwksUri: `${ISSUER}/.well-known/jwks.json` });
    verifier.cacheJwks(jwks as unknown as VerifierJwks);
    return verifier;
  });
}

describe('KmsTokenSigner', () => {
  it('a KMSClient is a KmsSigningClient (the constructor takes the real client)', () => {
    const client: KmsSigningClient = new KMSClient({ region: 'us-east-1' });
    expect(() => new KmsTokenSigner(client, KEY_ID, ISSUER)).not.toThrow();
    expect(() => new KmsTokenSigner(client, '', ISSUER)).toThrow(/key id/);
  });

  it('mints an RS256 JWT that aws-jwt-verify accepts against its JWKS', async () => {
    const { client, calls } = fakeKms();
    const signer = new KmsTokenSigner(client, KEY_ID, ISSUER);
    const nowMs = Date.now();
    const token = await signer.sign(claims, 600, nowMs);
    const payload = await (await verifierFor(signer)).verify(token);
    expect(payload).toMatchObject({ ...claims, iss: ISSUER, aud: TOKEN_AUDIENCE, iat: Math.floor(nowMs / 1000) });
    expect(payload.exp).toBe(Math.floor(nowMs / 1000) + 600);
    const sign = calls.find((c) => c.command === 'Sign');
    expect(sign?.input.MessageType).toBe('RAW');
    expect(Buffer.from(sign?.input.Message as Uint8Array).toString()).toBe(token.split('.').slice(0, 2).join('.'));
  });

  it('the signature verifies with node:crypto and the header names the JWKS key', async () => {
    const { client } = fakeKms();
    const signer = new KmsTokenSigner(client, KEY_ID, ISSUER);
    const token = await signer.sign(claims, 60);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const jwks = await signer.jwks();
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', kid: jwks.keys[0]?.kid });
    const publicKey = createPublicKey({ key: jwks.keys[0] as unknown as CryptoJwk, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('serves the same JWK (and kid) as the local signer with the same key', async () => {
    const { client } = fakeKms();
    const kms = await new KmsTokenSigner(client, KEY_ID, ISSUER).jwks();
    const pem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const local = await new LocalTokenSigner(pem, ISSUER).jwks();
    expect(kms).toEqual(local);
    expect(kms.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
  });

  it('fetches the public key once and caches it across sign and jwks calls', async () => {
    const { client, calls } = fakeKms();
    const signer = new KmsTokenSigner(client, KEY_ID, ISSUER);
    await Promise.all([signer.sign(claims, 60), signer.sign(claims, 60), signer.jwks()]);
    await signer.jwks();
    expect(calls.filter((c) => c.command === 'GetPublicKey')).toHaveLength(1);
    expect(calls.filter((c) => c.command === 'Sign')).toHaveLength(2);
  });

  it('retries GetPublicKey after a failure instead of caching the error', async () => {
    const { client, calls } = fakeKms(rsa.privateKey, { failPublicKeyOnce: true });
    const signer = new KmsTokenSigner(client, KEY_ID, ISSUER);
    await expect(signer.jwks()).rejects.toThrow(/Throttling/);
    const token = await signer.sign(claims, 60);
    await expect((await verifierFor(signer)).verify(token)).resolves.toMatchObject(claims);
    expect(calls.filter((c) => c.command === 'GetPublicKey')).toHaveLength(2);
  });

  it('signs inputs longer than KMS takes RAW as a SHA-256 digest, still a valid RS256 token', async () => {
    const { client, calls } = fakeKms();
    const signer = new KmsTokenSigner(client, KEY_ID, ISSUER);
    const token = await signer.sign({ ...claims, padding: 'x'.repeat(5000) }, 60);
    expect(calls.find((c) => c.command === 'Sign')?.input.MessageType).toBe('DIGEST');
    await expect((await verifierFor(signer)).verify(token)).resolves.toMatchObject(claims);
  });

  it('refuses a key that is not RSA', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { client } = fakeKms(ec.privateKey, { keySpec: 'ECC_NIST_P256' });
    await expect(new KmsTokenSigner(client, KEY_ID, ISSUER).sign(claims, 60)).rejects.toThrow(/not an RSA key/);
  });

  it('a token from another key fails verification', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new KmsTokenSigner(fakeKms(other.privateKey).client, KEY_ID, ISSUER).sign(claims, 60);
    const signer = new KmsTokenSigner(fakeKms().client, KEY_ID, ISSUER);
    await expect((await verifierFor(signer)).verify(forged)).rejects.toThrow();
  });
});
