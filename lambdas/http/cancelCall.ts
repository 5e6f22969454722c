/** DELETE /calls/id/{callId} by its caller (the call's participant token) -> 204: it stops ringing | 401 | 403 | 404 | 409 answered */
import { callIdPathSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: callIdPathSchema, auth: true }, async ({ path, principal }) => {
  await deps().calls.cancel(principal, path.callId);
  return { statusCode: 204 };
});
