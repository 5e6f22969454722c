/** Signs with an RSA private key held in the process (the local stack's key, from TOKEN_PRIVATE_KEY). */
import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import type { TokenClaims } from '../../../protocol/index.ts';
import { compactJwt, type Jwks, keyIdOf, signingInput, type TokenSigner } from './tokenSigner.ts';

export class LocalTokenSigner implements TokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Jwks['keys'][number];

  constructor(
    privateKeyPem: string,
    private readonly issuer: string,
  ) {
    this.privateKey = createPrivateKey(privateKeyPem);
    if (this.privateKey.asymmetricKeyType !== 'rsa') throw new Error('TOKEN_PRIVATE_KEY must be an RSA key');
    const jwk = createPublicKey(this.privateKey).export({ format: 'jwk' }) as JsonWebKey;
    this.publicJwk = { kty: 'RSA', n: jwk.n, e: jwk.e, kid: keyIdOf(jwk), alg: 'RS256', use: 'sig' };
  }

  async sign(claims: TokenClaims & Record<string, unknown>, ttlSeconds: number, nowMs = Date.now()): Promise<string> {
    const input = signingInput(this.publicJwk.kid, this.issuer, claims, ttlSeconds, nowMs);
    return compactJwt(input, sign('sha256', Buffer.from(input), this.privateKey));
  }

  async jwks(): Promise<Jwks> {
    return { keys: [this.publicJwk] };
  }
}
