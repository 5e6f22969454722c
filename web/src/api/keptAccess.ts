/**
 * Room access a tab was given (by a share ticket, an outgoing call, an accepted call), kept in
 * sessionStorage so that a reload rejoins with the same token and peer id instead of asking again.
 */
import type { RoomAccessResponse } from '../../../protocol/index.ts';

export interface KeptAccess {
  access: RoomAccessResponse & { urlPath: string };
  /** What the call page shows instead of the room's (generated) name. */
  title?: string;
}

/** Kept access under `key`, unless its token expires within a minute. */
export function keptAccess(key: string, nowMs = Date.now()): KeptAccess | undefined {
  try {
    const kept = JSON.parse(sessionStorage.getItem(key) ?? 'null') as KeptAccess | null;
    if (kept && kept.access.expiresAt * 1000 > nowMs + 60_000) return kept;
  } catch {
    // nothing usable kept
  }
  return undefined;
}

export function keepAccess(key: string, kept: KeptAccess): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(kept));
  } catch {
    // storage full or disabled: a reload asks again
  }
}

/** The key of access to a room by its path (what a call page at /<urlPath> looks for first). */
export const roomKey = (urlPath: string): string => `room:${urlPath}`;
