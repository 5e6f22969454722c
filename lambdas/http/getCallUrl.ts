/** GET /calls/{token} -> 200 {callToken, callee, remoteId, expiresAt, valid, reason?}: whom the link calls | 400 | 404 */
import { type CallUrlResponse, callTokenPathSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: callTokenPathSchema }, async ({ path }) => ({
  body: (await deps().callUrls.describe(path.token)) satisfies CallUrlResponse,
}));
