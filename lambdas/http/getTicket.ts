/** GET /tickets/{ticketId} -> 200 {ticketId, roomId, urlPath, expiresAt, usesLeft?} | 400 malformed id | 404 unknown | 410 expired, used up or room closed */
import { type TicketResponse, ticketIdPathSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: ticketIdPathSchema }, async ({ path }) => {
  return { body: (await deps().tickets.describe(path.ticketId)) satisfies TicketResponse };
});
