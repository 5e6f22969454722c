/** POST /tickets/{ticketId}/redeem -> 200 {roomId, urlPath, token, peerId, expiresAt}, one use counted | 400 | 404 | 410 */
import { type RedeemTicketResponse, ticketIdPathSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: ticketIdPathSchema }, async ({ path }) => {
  return { body: (await deps().tickets.redeem(path.ticketId)) satisfies RedeemTicketResponse };
});
