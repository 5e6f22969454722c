/** DELETE /call-url/{token} by its owner -> 204: the link calls no more | 400 | 401 | 403 another user's | 404 */
import { callTokenPathSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: callTokenPathSchema, auth: true }, async ({ path, principal }) => {
  await deps().callUrls.revoke(principal, path.token);
  return { statusCode: 204 };
});
