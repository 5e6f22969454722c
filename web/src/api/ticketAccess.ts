/**
 * Joining from a share link `/t/<ticketId>`: redeem the ticket once per tab and keep the answer in
 * sessionStorage, so that a reload rejoins with the same token (and peer id) instead of using the
 * ticket up.
 */
import type { RedeemTicketResponse } from '../../../protocol/index.ts';
import type { RoomsApi } from './roomsApi.ts';

const key = (ticketId: string) => `ticket:${ticketId}`;

export async function ticketAccess(api: RoomsApi, ticketId: string, nowMs = Date.now()): Promise<RedeemTicketResponse> {
  try {
    const kept = JSON.parse(sessionStorage.getItem(key(ticketId)) ?? 'null') as RedeemTicketResponse | null;
    if (kept && kept.expiresAt * 1000 > nowMs + 60_000) return kept;
  } catch {
    // nothing usable kept
  }
  const access = await api.redeemTicket(ticketId);
  try {
    sessionStorage.setItem(key(ticketId), JSON.stringify(access));
  } catch {
    // storage full or disabled: a reload redeems again
  }
  return access;
}
