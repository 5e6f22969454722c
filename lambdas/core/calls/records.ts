/** What is stored about call URLs and the calls made from them, and how a call's status reads. */
import type { CallResponse, CallStatus } from '../../../protocol/index.ts';
import { isoAt } from '../clock.ts';

/** Whose a call URL is, and whom it is for: on the link and on every call made from it. */
export interface CallOwnership {
  /** `userKeyOf(organizationId, userId)` of its owner: the byOwner index key. */
  ownerKey: string;
  ownerId: string;
  organizationId: string;
  /** The owner's name, as callers see it ("Call <ownerName>"). */
  ownerName: string;
  /** Whom the owner made the link for (Loop's `remote_id`). */
  remoteId: string;
  createdAt: string;
}

/** One call URL (a link that rings its owner). */
export interface CallUrlRecord extends CallOwnership {
  callToken: string;
  /** Epoch seconds it stops calling (also the TTL attribute; readers check it). */
  expiresAt: number;
  revokedAt?: string;
  /** The call ringing from this link, if any, and its deadline: one call rings per link at a time. */
  ringingCallId?: string;
  ringingUntilMs?: number;
}

/** One call made from a call URL. */
export interface CallRecord extends CallOwnership {
  callId: string;
  callToken: string;
  callerName?: string;
  /** The caller's peer id in the call's room (its participant token's subject). */
  callerPeerId: string;
  roomId: string;
  urlPath: string;
  /** As stored: a `ringing` call past `ringUntilMs` reads as missed (statusAt). */
  status: CallStatus;
  ringUntilMs: number;
  /** Present (`ringing`) while it rings: the sparse index the missed-call sweep queries. */
  ringing?: typeof RINGING;
  endedRingingAt?: string;
  /** Epoch seconds (DynamoDB TTL): a week after it was made; readers treat it as gone after that. */
  expiresAt: number;
}

export const RINGING = 'ringing';

/** Calls stay listed (and readable) this long. */
export const CALL_RETENTION_SECONDS = 7 * 86_400;

/** A ringing call whose deadline passed is missed, whether or not the sweep has written it yet. */
export function statusAt(call: CallRecord, nowMs: number): CallStatus {
  return call.status === 'ringing' && call.ringUntilMs <= nowMs ? 'missed' : call.status;
}

export const isGone = (item: { expiresAt: number }, nowMs: number): boolean => item.expiresAt * 1000 <= nowMs;

export function callView(call: CallRecord, nowMs: number): CallResponse {
  const status = statusAt(call, nowMs);
  return {
    callId: call.callId,
    status,
    remoteId: call.remoteId,
    ...(call.callerName !== undefined && { callerName: call.callerName }),
    callee: call.ownerName,
    createdAt: call.createdAt,
    ringingUntil: isoAt(call.ringUntilMs),
    ...(call.endedRingingAt !== undefined
      ? { endedRingingAt: call.endedRingingAt }
      : status === 'missed' && { endedRingingAt: isoAt(call.ringUntilMs) }),
  };
}
