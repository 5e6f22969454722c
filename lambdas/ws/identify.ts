/** identify {id, roomId, type}: binds the connection to what its token grants. */
import { identifyDataSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('identify', identifyDataSchema, async ({ connectionId, data }) => {
  await deps().signaling.identify(connectionId, data);
});
