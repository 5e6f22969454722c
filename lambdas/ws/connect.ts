/** $connect: the token (query string `token`, since browsers cannot set headers) must be valid; 401 refuses the upgrade. */
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('$connect', undefined, async ({ connectionId, event }) => {
  await deps().signaling.connect(connectionId, event.queryStringParameters?.token);
});
