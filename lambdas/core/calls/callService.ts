/**
 * Calls from call URLs (the Mozilla Loop flow): whoever holds a link calls; the call gets a room of its
 * own (invitation only) and rings every live endpoint of the link's owner (a qos-1 IncomingCallEvent);
 * the owner accepts (and joins the room) or declines; a call nobody answers in `ringSeconds` is missed.
 * Every status change is one conditional write on the call: a call is answered once, however many
 * tabs accept it at the same moment. A call that stops ringing without being accepted closes its room
 * (the caller hears of it as the room's RoomClosedEvent, and reads the call's status).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type AcceptCallResponse,
  type CallListResponse,
  type CallResponse,
  type CallStatus,
  type CallStatusEvent,
  type IncomingCallEvent,
  type ListCallsQuery,
  MAX_LISTED_CALLS,
  type PlaceCallBody,
  type PlaceCallResponse,
  QOS_AT_LEAST_ONCE,
} from '../../../protocol/index.ts';
import type { Principal } from '../auth/principal.ts';
import { type SignedInUser, signedInUser } from '../auth/signedInUser.ts';
import { type Clock, epochSeconds, isoAt } from '../clock.ts';
import type { EndpointService } from '../endpoints/endpointService.ts';
import { type AppError, ConflictError, ForbiddenError, GoneError, NotFoundError, RoomNotFoundError, RoomStartingError, UnauthorizedError } from '../errors.ts';
import { newLinkId } from '../linkId.ts';
import { isLive } from '../rooms/room.ts';
import type { RoomRepository } from '../rooms/roomRepository.ts';
import type { RoomService } from '../rooms/roomService.ts';
import type { WarmPool } from '../rooms/warmPool.ts';
import type { SignalingService } from '../signaling/signalingService.ts';
import type { RoomTokens } from '../tokens/roomTokens.ts';
import type { CallRepository } from './callRepository.ts';
import type { CallUrlRepository } from './callUrlRepository.ts';
import type { CallUrlService } from './callUrlService.ts';
import { CALL_RETENTION_SECONDS, type CallRecord, callView, isGone, RINGING, statusAt } from './records.ts';

const CALL_NOT_FOUND = 'Call not found';
const OWNERS = 'calls';
const DEFAULT_LISTED_CALLS = 50;

/** Why a call that stopped ringing cannot be answered (or declined, or cancelled) any more. */
const NOT_RINGING: Record<Exclude<CallStatus, 'ringing'>, () => AppError> = {
  accepted: () => new ConflictError('This call has already been answered'),
  declined: () => new ConflictError('This call was declined'),
  missed: () => new GoneError('This call was not answered in time'),
  cancelled: () => new GoneError('The caller hung up'),
};

/** The reason its room closes with, as the caller's RoomClosedEvent says it. */
const CLOSE_REASONS: Partial<Record<CallStatus, string>> = {
  declined: 'The call was declined',
  missed: 'The call was not answered',
  cancelled: 'The caller hung up',
};

export interface CallServiceDeps {
  callUrls: CallUrlService;
  callUrlRecords: CallUrlRepository;
  calls: CallRepository;
  rooms: RoomService;
  roomRepository: RoomRepository;
  warmPool: WarmPool;
  signaling: SignalingService;
  tokens: RoomTokens;
  endpoints: EndpointService;
  /** An unanswered call is missed after this long. */
  ringSeconds: number;
  clock: Clock;
  logger: Logger;
}

export class CallService {
  constructor(private readonly d: CallServiceDeps) {}

  /**
   * POST /calls/{token}: a call from the link. Takes the link's ringing slot, a ready room for the call
   * (503 while one starts), records the call and rings the owner; the caller's participant token.
   */
  async place(callToken: string, body: PlaceCallBody): Promise<PlaceCallResponse> {
    const link = await this.d.callUrls.callable(callToken);
    const nowMs = this.d.clock.nowMs();
    const callId = newLinkId();
    const callerPeerId = randomUUID();
    const ringUntilMs = nowMs + this.d.ringSeconds * 1000;
    if (!(await this.d.callUrlRecords.takeRing(callToken, callId, ringUntilMs, nowMs))) {
      const now = await this.d.callUrls.callable(callToken); // revoked or expired in between: 404 / 410
      this.d.logger.info('call refused: the link is ringing already', { callToken, ringingCallId: now.ringingCallId });
      throw new ConflictError(`A call from this link is ringing ${link.ownerName} already: wait until it is answered or missed`);
    }
    const urlPath = `call-${callId}`;
    let claim;
    try {
      // invitation only: its caller and its owner hold `call` tokens; nobody gets in by the path
      claim = await this.d.rooms.claimRoom(urlPath, `call:${callId}`, 'ticket');
    } catch (error) {
      await this.d.callUrlRecords.releaseRing(callToken, callId);
      if (!(error instanceof RoomNotFoundError)) throw error;
      await this.d.warmPool.ensureStarting();
      throw new RoomStartingError();
    }
    const call: CallRecord = {
      callId,
      callToken,
      ownerKey: link.ownerKey,
      ownerId: link.ownerId,
      organizationId: link.organizationId,
      ownerName: link.ownerName,
      remoteId: link.remoteId,
      ...(body.displayName !== undefined && { callerName: body.displayName }),
      callerPeerId,
      roomId: claim.roomId,
      urlPath,
      status: 'ringing',
      createdAt: isoAt(nowMs),
      ringUntilMs,
      ringing: RINGING,
      expiresAt: epochSeconds(nowMs) + CALL_RETENTION_SECONDS,
    };
    if (!(await this.d.calls.insert(call))) throw new Error('call id collision');
    const ring = {
      type: 'IncomingCallEvent',
      timestamp: isoAt(nowMs),
      callId,
      from: body.displayName ?? link.remoteId,
      remoteId: link.remoteId,
      ...(body.displayName !== undefined && { callerName: body.displayName }),
      ringingUntil: isoAt(ringUntilMs),
    } satisfies IncomingCallEvent;
    const [access, endpoints] = await Promise.all([
      this.d.tokens.participant(claim.roomId, { via: 'call', peerId: callerPeerId, nowMs }),
      // a failure to ring fails no call: it rings on for a page that opens (GET /calls?status=ringing), then is missed
      this.d.endpoints
        .push({ organizationId: link.organizationId, userId: link.ownerId, event: ring, qos: QOS_AT_LEAST_ONCE, sender: `call:${callId}` })
        .catch((error: unknown) => {
          this.d.logger.error('could not ring the owner\'s endpoints', { callId, error: error as Error });
          return 0;
        }),
      this.d.signaling.announceClaim(claim.room),
      // the claim may have emptied the warm pool; its failure never fails the call
      this.d.warmPool.topUp().catch((error: unknown) => this.d.logger.error('warm pool top-up failed', { error: error as Error })),
    ]);
    this.d.logger.info('call placed', { callId, callToken, roomId: claim.roomId, peerId: callerPeerId, userId: link.ownerId, endpoints });
    return { ...access, ...callView(call, nowMs), urlPath, endpoints };
  }

  /** POST /calls/id/{callId}/accept: the owner answers (once); their participant token for the call's room. */
  async accept(principal: Principal | undefined, callId: string): Promise<AcceptCallResponse> {
    const call = await this.ownCall(principal, callId);
    const nowMs = this.d.clock.nowMs();
    assertRinging(call, nowMs);
    const room = await this.d.roomRepository.getRoom(call.roomId);
    if (!room || !isLive(room, nowMs)) throw new GoneError('The caller is gone: the call\'s room has closed');
    const answered = await this.answer(call, 'accepted');
    const [access] = await Promise.all([this.d.tokens.participant(call.roomId, { via: 'call', nowMs }), this.afterRinging(answered)]);
    this.d.logger.info('call accepted', { callId, roomId: call.roomId, peerId: access.peerId, userId: call.ownerId });
    return { ...access, ...callView(answered, nowMs), urlPath: call.urlPath };
  }

  /** POST /calls/id/{callId}/decline: the owner will not answer; the call's room closes and the caller is told. */
  async decline(principal: Principal | undefined, callId: string): Promise<CallResponse> {
    const call = await this.ownCall(principal, callId);
    assertRinging(call, this.d.clock.nowMs());
    const declined = await this.answer(call, 'declined');
    await this.afterRinging(declined);
    this.d.logger.info('call declined', { callId, roomId: call.roomId, userId: call.ownerId });
    return callView(declined, this.d.clock.nowMs());
  }

  /** DELETE /calls/id/{callId}: the caller hangs up while it rings (a call that stopped ringing otherwise: nothing to do). */
  async cancel(principal: Principal | undefined, callId: string): Promise<void> {
    const call = await this.callersCall(principal, callId);
    const status = statusAt(call, this.d.clock.nowMs());
    if (status === 'accepted') throw new ConflictError('This call was answered: leave its room to end it');
    if (status !== 'ringing') return;
    const cancelled = await this.d.calls.endRinging(callId, 'cancelled', this.d.clock.nowMs(), 'before');
    if (!cancelled) {
      // it stopped ringing in between: answered (say so), or declined or missed (nothing to do)
      const now = await this.d.calls.get(callId);
      if (now && statusAt(now, this.d.clock.nowMs()) === 'accepted') throw new ConflictError('This call was answered: leave its room to end it');
      return;
    }
    await this.afterRinging(cancelled);
    this.d.logger.info('call cancelled', { callId, roomId: call.roomId });
  }

  /** GET /calls/id/{callId}: for its owner, or its caller (with the participant token the call gave). */
  async get(principal: Principal | undefined, callId: string): Promise<CallResponse> {
    if (!principal) throw new UnauthorizedError('reading a call needs its owner\'s user token or its caller\'s participant token');
    const call = principal.kind === 'participant' ? await this.callersCall(principal, callId) : await this.ownCall(principal, callId);
    return callView(call, this.d.clock.nowMs());
  }

  /** GET /calls: the owner's calls of the last week, newest first (those of `status`, if given). */
  async list(principal: Principal | undefined, query: ListCallsQuery): Promise<CallListResponse> {
    const owner = signedInUser(principal, OWNERS);
    const nowMs = this.d.clock.nowMs();
    const statuses = query.status && query.status.length > 0 ? new Set(query.status) : undefined;
    const limit = Math.min(query.limit ?? DEFAULT_LISTED_CALLS, MAX_LISTED_CALLS);
    const calls = await this.d.calls.listByOwner(owner.userKey, limit, (c) => !isGone(c, nowMs) && (!statuses || statuses.has(statusAt(c, nowMs))));
    return { calls: calls.map((c) => callView(c, nowMs)) };
  }

  /**
   * The scheduled sweep: ringing calls past their deadline become missed (once), their rooms close and
   * the owner's other tabs stop ringing. Readers see such calls as missed already; this writes it down.
   */
  async missUnanswered(limit = 25): Promise<{ missed: number; more: boolean }> {
    const nowMs = this.d.clock.nowMs();
    const overdue = await this.d.calls.listOverdue(nowMs, limit);
    const missed = await Promise.all(
      overdue.items.map(async (seen) => {
        const call = await this.d.calls.endRinging(seen.callId, 'missed', nowMs, 'after');
        if (!call) return false; // answered, declined or cancelled in time
        await this.afterRinging(call);
        this.d.logger.info('call missed', { callId: call.callId, roomId: call.roomId, userId: call.ownerId });
        return true;
      }),
    );
    return { missed: missed.filter(Boolean).length, more: overdue.more };
  }

  /** The owner's answer: ringing -> `to` once, before the deadline; the reason it could not (a typed error) otherwise. */
  private async answer(call: CallRecord, to: 'accepted' | 'declined'): Promise<CallRecord> {
    const nowMs = this.d.clock.nowMs();
    const ended = await this.d.calls.endRinging(call.callId, to, nowMs, 'before');
    if (ended) return ended;
    const now = await this.d.calls.get(call.callId);
    assertRinging(now ?? call, nowMs);
    throw new ConflictError('This call changed while it was being answered; try again');
  }

  /** A call stopped ringing: its link may ring again, its room closes unless it was answered, the owner's tabs are told. */
  private async afterRinging(call: CallRecord): Promise<void> {
    const status = call.status as Exclude<CallStatus, 'ringing'>;
    const closeReason = CLOSE_REASONS[status];
    const told = {
      type: 'CallStatusEvent',
      timestamp: isoAt(this.d.clock.nowMs()),
      callId: call.callId,
      status,
    } satisfies CallStatusEvent;
    await Promise.all([
      this.d.callUrlRecords.releaseRing(call.callToken, call.callId),
      closeReason ? this.d.signaling.closeRoom(call.roomId, closeReason) : undefined,
      // best effort: a tab that misses it stops ringing at the deadline anyway
      this.d.endpoints
        .push({ organizationId: call.organizationId, userId: call.ownerId, event: told, sender: `call:${call.callId}` })
        .catch((error: unknown) => this.d.logger.warn('could not tell the owner\'s endpoints', { callId: call.callId, error: error as Error })),
    ]);
  }

  /** The call, if `principal` is the user it calls (404 unknown or gone, 403 another user's). */
  private async ownCall(principal: Principal | undefined, callId: string): Promise<CallRecord> {
    const owner: SignedInUser = signedInUser(principal, OWNERS);
    const call = await this.live(callId);
    if (call.ownerKey !== owner.userKey) throw new ForbiddenError('this call is for another user');
    return call;
  }

  /** The call, if `principal` holds its caller's participant token. */
  private async callersCall(principal: Principal | undefined, callId: string): Promise<CallRecord> {
    if (!principal) throw new UnauthorizedError('this needs the participant token the call gave its caller');
    const call = await this.live(callId);
    if (principal.kind !== 'participant' || principal.roomId !== call.roomId || principal.subject !== call.callerPeerId) {
      throw new ForbiddenError('only this call\'s caller (with the token the call gave) can do this');
    }
    return call;
  }

  private async live(callId: string): Promise<CallRecord> {
    const call = await this.d.calls.get(callId);
    if (!call || isGone(call, this.d.clock.nowMs())) throw new NotFoundError(CALL_NOT_FOUND);
    return call;
  }
}

/** Throws why a call that no longer rings cannot be answered. */
function assertRinging(call: CallRecord, nowMs: number): void {
  const status = statusAt(call, nowMs);
  if (status !== 'ringing') throw NOT_RINGING[status]();
}
