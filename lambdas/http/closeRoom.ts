/** DELETE /rooms/{roomId} with the rooms:admin scope -> 204; its clients get RoomClosedEvent and its task stops | 401 | 403 | 404 */
import { roomIdPathSchema } from '../../protocol/index.ts';
import { hasScope } from '../core/auth/principal.ts';
import { deps } from '../core/deps.ts';
import { ForbiddenError, RoomNotFoundError, UnauthorizedError } from '../core/errors.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: roomIdPathSchema, auth: true }, async ({ path, principal }) => {
  if (!principal) throw new UnauthorizedError('closing a room needs a token with the rooms:admin scope');
  if (!hasScope(principal, 'rooms:admin')) throw new ForbiddenError('closing a room needs the rooms:admin scope');
  if (!(await deps().signaling.closeRoom(path.roomId, `closed by ${principal.kind} ${principal.subject}`))) throw new RoomNotFoundError();
  return { statusCode: 204 };
});
