/**
 * Signs with an asymmetric RSA key in AWS KMS (RSA_2048, SIGN_VERIFY): the private key never leaves
 * KMS. Sign takes RSASSA_PKCS1_V1_5_SHA_256 over the JWT signing input, which is exactly RS256;
 * GetPublicKey gives the DER SubjectPublicKeyInfo, turned into the JWK served as the JWKS.
 */
import { createHash, createPublicKey } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  SignCommand,
  type SignCommandOutput,
} from '@aws-sdk/client-kms';
import type { TokenClaims } from '../../../protocol/index.ts';
import { compactJwt, type Jwks, keyIdOf, signingInput, type TokenSigner } from './tokenSigner.ts';

/** The two KMS calls this signer makes: a `KMSClient` satisfies it, and so does a test double. */
export interface KmsSigningClient {
  send(command: SignCommand): Promise<SignCommandOutput>;
  send(command: GetPublicKeyCommand): Promise<GetPublicKeyCommandOutput>;
}

export const KMS_SIGNING_ALGORITHM = 'RSASSA_PKCS1_V1_5_SHA_256';

/** KMS takes at most 4096 bytes as a RAW message; longer inputs are signed as their SHA-256 digest. */
const MAX_RAW_MESSAGE_BYTES = 4096;

type PublicJwk = Jwks['keys'][number];

export class KmsTokenSigner implements TokenSigner {
  private publicJwk: Promise<PublicJwk> | undefined;

  constructor(
    private readonly kms: KmsSigningClient,
    private readonly keyId: string,
    private readonly issuer: string,
  ) {
    if (!keyId) throw new Error('KmsTokenSigner needs a KMS key id or ARN');
  }

  async sign(claims: TokenClaims & Record<string, unknown>, ttlSeconds: number, nowMs = Date.now()): Promise<string> {
    const { kid } = await this.publicKey();
    const input = signingInput(kid, this.issuer, claims, ttlSeconds, nowMs);
    const bytes = Buffer.from(input);
    const raw = bytes.length <= MAX_RAW_MESSAGE_BYTES;
    const out = await this.kms.send(
      new SignCommand({
        KeyId: this.keyId,
        SigningAlgorithm: KMS_SIGNING_ALGORITHM,
        MessageType: raw ? 'RAW' : 'DIGEST',
        Message: raw ? bytes : createHash('sha256').update(bytes).digest(),
      }),
    );
    if (!out.Signature || out.Signature.length === 0) throw new Error(`KMS Sign returned no signature for key ${this.keyId}`);
    return compactJwt(input, out.Signature);
  }

  async jwks(): Promise<Jwks> {
    return { keys: [await this.publicKey()] };
  }

  /** The key's public JWK, fetched once per process; a failed fetch is retried on the next call. */
  private publicKey(): Promise<PublicJwk> {
    this.publicJwk ??= this.fetchPublicKey().catch((error: unknown) => {
      this.publicJwk = undefined;
      throw error;
    });
    return this.publicJwk;
  }

  private async fetchPublicKey(): Promise<PublicJwk> {
    const out = await this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (!out.PublicKey) throw new Error(`KMS GetPublicKey returned no key for ${this.keyId}`);
    if (out.KeySpec && !out.KeySpec.startsWith('RSA_')) throw new Error(`KMS key ${this.keyId} is ${out.KeySpec}, not an RSA key`);
    if (out.SigningAlgorithms && !out.SigningAlgorithms.includes(KMS_SIGNING_ALGORITHM)) {
      throw new Error(`KMS key ${this.keyId} does not support ${KMS_SIGNING_ALGORITHM}`);
    }
    const jwk = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error(`KMS key ${this.keyId} is not an RSA public key`);
    return { kty: 'RSA', n: jwk.n, e: jwk.e, kid: keyIdOf(jwk), alg: 'RS256', use: 'sig' };
  }
}
