/**
 * POST /tickets {urlPath | roomId, validSeconds, maxUses?} by a participant of that room or a service
 * client -> 201 {ticketId, url, expiresAt} | 400 | 401 | 403 | 404 Room not found
 */
import { type CreateTicketResponse, createTicketBodySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';
import { siteUrlOf } from './siteUrl.ts';

export const handler = httpHandler({ body: createTicketBodySchema, auth: true }, async ({ body, principal, event }) => {
  return { statusCode: 201, body: (await deps().tickets.create(principal, body, siteUrlOf(event))) satisfies CreateTicketResponse };
});
