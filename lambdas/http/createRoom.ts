/**
 * PUT /createRoom -> 200 {message, roomId} | 429 over the room cap (anonymous callers: over the anonymous
 * allowance; a token with rooms:create goes up to the cap) | 500 Failed to start task.
 */
import type { CreateRoomResponse } from '../../protocol/index.ts';
import { hasScope } from '../core/auth/principal.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ auth: true }, async ({ principal }) => {
  const roomId = await deps().rooms.createRoom({ anonymous: !hasScope(principal, 'rooms:create') });
  return { body: { message: 'Task started successfully!', roomId } satisfies CreateRoomResponse };
});
