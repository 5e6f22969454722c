/** GET /calls/id/{callId} by its owner (user token) or its caller (the call's participant token) -> 200 the call | 400 | 401 | 403 | 404 */
import { type CallResponse, callIdPathSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: callIdPathSchema, auth: true }, async ({ path, principal }) => ({
  body: (await deps().calls.get(principal, path.callId)) satisfies CallResponse,
}));
