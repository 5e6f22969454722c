/**
 * GET /getRoomId?urlPath=P -> 200 {roomId, token, peerId, expiresAt} | 400 missing urlPath | 404 Room not found
 * | 403 for an anonymous caller when the room admits ticket holders only (a service caller gets a token).
 */
import { getRoomIdQuerySchema, type RoomAccessResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ query: getRoomIdQuerySchema, auth: true }, async ({ query, principal }) => {
  const { rooms, tokens } = deps();
  const binding = await rooms.getRoomId(query.urlPath);
  const via = rooms.admission(binding.access, principal);
  return { body: (await tokens.participant(binding.roomId, { via })) satisfies RoomAccessResponse };
});
