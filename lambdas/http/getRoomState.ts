/** GET /rooms/{roomId} (Authorization: Bearer <token of that room, or rooms:admin>) -> participants, their state, version, access. */
import { roomIdPathSchema, type RoomStateResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: roomIdPathSchema, auth: true }, async ({ path, principal }) => {
  return { body: (await deps().signaling.roomState(path.roomId, principal)) satisfies RoomStateResponse };
});
