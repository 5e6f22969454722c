/** GET /rooms/{roomId} (Authorization: Bearer <token of that room>) -> participants, their state, version. */
import { z } from 'zod';
import type { RoomStateResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

const bearer = /^Bearer\s+(\S+)$/i;

export const handler = httpHandler({ path: z.object({ roomId: z.string().min(1).max(128) }) }, async ({ path, event }) => {
  const token = bearer.exec(event.headers.authorization ?? '')?.[1];
  return { body: (await deps().signaling.roomState(path.roomId, token)) satisfies RoomStateResponse };
});
