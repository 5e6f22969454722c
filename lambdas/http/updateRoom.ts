/** PATCH /rooms/{roomId} {access: "open" | "ticket"} by the room's creator or rooms:admin -> 200 {roomId, access} | 401 | 403 | 404 */
import { roomIdPathSchema, updateRoomBodySchema, type UpdateRoomResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: roomIdPathSchema, body: updateRoomBodySchema, auth: true }, async ({ path, body, principal }) => {
  const room = await deps().rooms.setAccess(principal, path.roomId, body.access);
  return { body: { roomId: room.roomId, access: room.access ?? 'open' } satisfies UpdateRoomResponse };
});
