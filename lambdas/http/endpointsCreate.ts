/** POST /rtc-api/users/endpoints {userEndpointId?, keepAliveSeconds, serverKeepAliveReminderOn?}: the endpoint id as a JSON string. */
import { registerEndpointBodySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: registerEndpointBodySchema, auth: true, fieldErrors: true }, async ({ body, principal }) => ({
  body: await deps().endpoints.register(principal, body),
}));
