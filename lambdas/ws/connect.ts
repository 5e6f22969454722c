/**
 * $connect: the token (query string `token`, since browsers cannot set headers) must be valid; 401 refuses
 * the upgrade. A user token connects for one of its endpoints, named by the query string `userEndpointId`.
 */
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('$connect', undefined, async ({ connectionId, event }) => {
  await deps().signaling.connect(connectionId, event.queryStringParameters?.token, event.queryStringParameters?.userEndpointId);
});
