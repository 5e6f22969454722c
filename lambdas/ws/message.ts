/** message {kind: chat | features}: broadcast to the other clients of the sender's room. */
import { roomMessageDataSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('message', roomMessageDataSchema, async ({ connectionId, data }) => {
  await deps().signaling.message(connectionId, data);
});
