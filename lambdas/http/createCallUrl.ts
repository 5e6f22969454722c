/** POST /call-url {remote_id, valid_duration} with a user token -> 201 {callUrl, callToken, expiresAt} | 400 | 401 | 403 */
import { type CreateCallUrlResponse, createCallUrlBodySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';
import { siteUrlOf } from './siteUrl.ts';

export const handler = httpHandler({ body: createCallUrlBodySchema, auth: true }, async ({ body, principal, event }) => ({
  statusCode: 201,
  body: (await deps().callUrls.create(principal, body, siteUrlOf(event))) satisfies CreateCallUrlResponse,
}));
