/** GET /getRoomId?urlPath=P -> 200 {roomId} | 400 missing urlPath | 404 Room not found */
import { getRoomIdQuerySchema, type RoomIdResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ query: getRoomIdQuerySchema }, async ({ query }) => {
  const roomId = await deps().rooms.getRoomId(query.urlPath);
  return { body: { roomId } satisfies RoomIdResponse };
});
