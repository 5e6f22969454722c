/**
 * Joining from a share link `/t/<ticketId>`: redeem the ticket once per tab and keep the answer, so that
 * a reload rejoins with the same token (and peer id) instead of using the ticket up.
 */
import type { RedeemTicketResponse } from '../../../protocol/index.ts';
import { keepAccess, keptAccess } from './keptAccess.ts';
import type { RoomsApi } from './roomsApi.ts';

const key = (ticketId: string) => `ticket:${ticketId}`;

export async function ticketAccess(api: RoomsApi, ticketId: string, nowMs = Date.now()): Promise<RedeemTicketResponse> {
  const kept = keptAccess(key(ticketId), nowMs);
  if (kept) return kept.access;
  const access = await api.redeemTicket(ticketId);
  keepAccess(key(ticketId), { access });
  return access;
}
