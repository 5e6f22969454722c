/** POST /rtc-api/users/endpoints/register: as POST /rtc-api/users/endpoints, answering `{id}`. */
import { registerEndpointBodySchema, type RegisterEndpointResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: registerEndpointBodySchema, auth: true, fieldErrors: true }, async ({ body, principal }) => {
  const response: RegisterEndpointResponse = { id: await deps().endpoints.register(principal, body) };
  return { body: response };
});
