/** identify {id, roomId, type: client | sfu}: binds the connection to what its token grants; {id, type: endpoint}: to a user endpoint. */
import { anyIdentifyDataSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('identify', anyIdentifyDataSchema, async ({ connectionId, data }) => {
  if (data.type === 'endpoint') await deps().endpoints.identify(connectionId, data.id);
  else await deps().signaling.identify(connectionId, data);
});
