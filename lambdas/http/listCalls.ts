/** GET /calls?status=ringing,missed&limit=N with a user token -> 200 {calls: [...]}, newest first | 400 | 401 | 403 */
import { type CallListResponse, listCallsQuerySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ query: listCallsQuerySchema, auth: true }, async ({ query, principal }) => ({
  body: (await deps().calls.list(principal, query)) satisfies CallListResponse,
}));
