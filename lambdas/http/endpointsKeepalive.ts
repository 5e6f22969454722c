/** POST /rtc-api/users/endpoints/keepalive {userEndpointId}: 204, a new keepalive window; 404 once it expired. */
import { keepAliveEndpointBodySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: keepAliveEndpointBodySchema, auth: true, fieldErrors: true }, async ({ body, principal }) => {
  await deps().endpoints.keepalive(principal, body.userEndpointId);
  return { statusCode: 204 };
});
