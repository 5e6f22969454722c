/**
 * POST /calls/id/{callId}/accept by its owner -> 200 the call and the owner's participant token for its
 * room | 401 | 403 | 404 | 409 answered or declined already | 410 missed, or the caller hung up
 */
import { type AcceptCallResponse, callIdPathSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: callIdPathSchema, auth: true }, async ({ path, principal }) => ({
  body: (await deps().calls.accept(principal, path.callId)) satisfies AcceptCallResponse,
}));
