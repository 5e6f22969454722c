/**
 * POST /tickets {urlPath | roomId, validSeconds, maxUses?} by a participant of that room or a service
 * client -> 201 {ticketId, url, expiresAt} | 400 | 401 | 403 | 404 Room not found
 */
import { type CreateTicketResponse, createTicketBodySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { headerValue, httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: createTicketBodySchema, auth: true }, async ({ body, principal, event }) => {
  const { config, tickets } = deps();
  // the link points at the site: configured, else the page the request came from, else the API
  const origin = headerValue(event.headers, 'origin');
  const siteUrl = config.siteUrl ?? (origin && /^https?:\/\/[^/\s]+$/.test(origin) ? origin : config.tokens.issuer);
  return { statusCode: 201, body: (await tickets.create(principal, body, siteUrl)) satisfies CreateTicketResponse };
});
