/** PUT /createRoom -> 200 {message, roomId} | 429 over the room cap | 500 Failed to start task. */
import type { CreateRoomResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({}, async () => {
  const roomId = await deps().rooms.createRoom();
  return { body: { message: 'Task started successfully!', roomId } satisfies CreateRoomResponse };
});
