import { KMSClient } from '@aws-sdk/client-kms';
import type { LambdaConfig } from '../config.ts';
import { KmsTokenSigner } from './kmsTokenSigner.ts';
import { LocalTokenSigner } from './localTokenSigner.ts';
import type { TokenSigner } from './tokenSigner.ts';

/** The configured signer: the local key (local stack) or KMS (AWS). */
export function createTokenSigner(cfg: LambdaConfig): TokenSigner {
  if (cfg.tokens.signer === 'local') {
    if (!cfg.tokens.privateKeyPem) throw new Error('TOKEN_PRIVATE_KEY is required with TOKEN_SIGNER=local');
    return new LocalTokenSigner(cfg.tokens.privateKeyPem, cfg.tokens.issuer);
  }
  return new KmsTokenSigner(new KMSClient({ region: cfg.region }), cfg.tokens.kmsKeyId!, cfg.tokens.issuer);
}
