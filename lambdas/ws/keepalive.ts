/** keepalive: keeps an idle connection open (API Gateway closes connections idle for 10 minutes). */
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('keepalive', undefined, async ({ connectionId }) => {
  await deps().signaling.keepalive(connectionId);
});
