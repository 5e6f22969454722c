/** POST /rtc-api/users/endpoints/unregister {userEndpointId, reason?}: 204; its pending events are dropped. */
import { unregisterEndpointBodySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: unregisterEndpointBodySchema, auth: true, fieldErrors: true }, async ({ body, principal }) => {
  await deps().endpoints.unregister(principal, body);
  return { statusCode: 204 };
});
