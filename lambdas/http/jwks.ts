/** GET /.well-known/jwks.json -> the public keys that verify this deployment's tokens. */
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({}, async () => ({
  body: await deps().tokens.signer.jwks(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
