/** $disconnect: clean-up and notifications (a client leaves its room; an SFU's room closes or waits for it). */
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('$disconnect', undefined, async ({ connectionId, event }) => {
  await deps().signaling.disconnect(connectionId, event.requestContext.disconnectStatusCode);
});
