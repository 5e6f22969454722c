import type { LambdaConfig } from '../config.ts';
import { LocalTokenSigner } from './localTokenSigner.ts';
import type { TokenSigner } from './tokenSigner.ts';

/** The configured signer: the local key (local stack) or KMS (AWS). */
export function createTokenSigner(cfg: LambdaConfig): TokenSigner {
  if (cfg.tokens.signer === 'local') {
    if (!cfg.tokens.privateKeyPem) throw new Error('TOKEN_PRIVATE_KEY is required with TOKEN_SIGNER=local');
    return new LocalTokenSigner(cfg.tokens.privateKeyPem, cfg.tokens.issuer);
  }
  throw new Error('TOKEN_SIGNER=kms is not wired yet');
}
