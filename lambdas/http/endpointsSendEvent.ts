/** POST /rtc-api/users/endpoints/sendEvent {userId, organizationId, userEndpointId?, event, masks?, qos?}: the number of endpoints it went to. */
import { sendEventBodySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: sendEventBodySchema, auth: true, fieldErrors: true }, async ({ body, principal }) => ({
  body: await deps().endpoints.sendEvent(principal, body),
}));
