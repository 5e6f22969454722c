/** GET /getRoomId?urlPath=P -> 200 {roomId, token, peerId, expiresAt} | 400 missing urlPath | 404 Room not found */
import { getRoomIdQuerySchema, type RoomAccessResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ query: getRoomIdQuerySchema }, async ({ query }) => {
  const { rooms, tokens } = deps();
  const roomId = await rooms.getRoomId(query.urlPath);
  return { body: (await tokens.participant(roomId)) satisfies RoomAccessResponse };
});
