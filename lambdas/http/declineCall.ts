/** POST /calls/id/{callId}/decline by its owner -> 200 the call (declined; its room closes, the caller is told) | 401 | 403 | 404 | 409 | 410 */
import { type CallResponse, callIdPathSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: callIdPathSchema, auth: true }, async ({ path, principal }) => ({
  body: (await deps().calls.decline(principal, path.callId)) satisfies CallResponse,
}));
