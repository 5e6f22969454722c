/**
 * Mints RS256 JWTs. Two implementations behind one interface: a local key (the local stack
 * generates one at start) and AWS KMS (an asymmetric RSA key; the private key never leaves KMS).
 */
import { createHash } from 'node:crypto';
import { TOKEN_AUDIENCE, type TokenClaims } from '../../../protocol/index.ts';

export interface Jwks {
  keys: (JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' })[];
}

export interface TokenSigner {
  /** A compact RS256 JWT of `claims` with iss, aud, iat, exp and the key id set. */
  sign(claims: TokenClaims & Record<string, unknown>, ttlSeconds: number, nowMs?: number): Promise<string>;
  /** The public key(s), served at GET /.well-known/jwks.json. */
  jwks(): Promise<Jwks>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** `base64url(header).base64url(payload)`: the bytes an RS256 signature covers. */
export function signingInput(kid: string, issuer: string, claims: Record<string, unknown>, ttlSeconds: number, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const payload = { ...claims, iss: issuer, aud: TOKEN_AUDIENCE, iat, exp: iat + ttlSeconds };
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
}

export function compactJwt(input: string, signature: Buffer | Uint8Array): string {
  return `${input}.${b64url(Buffer.from(signature))}`;
}

/** A stable key id: the first 16 bytes of the SHA-256 of the public key's modulus. */
export function keyIdOf(jwk: JsonWebKey): string {
  return createHash('sha256').update(jwk.n ?? '').digest('base64url').slice(0, 22);
}
