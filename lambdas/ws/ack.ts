/** ack {eventId}: a user endpoint has a qos-1 event; it is not delivered again. */
import { ackDataSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('ack', ackDataSchema, async ({ connectionId, data }) => {
  await deps().endpoints.ack(connectionId, data.eventId);
});
