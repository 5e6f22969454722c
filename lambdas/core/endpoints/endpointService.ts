/**
 * User endpoints (as in the Auvious RTC API): a signed-in user's device or tab registers an endpoint,
 * keeps it alive, and receives events pushed to it on its WebSocket connection. qos-1 events are kept
 * until acknowledged and delivered again on the next identify; an endpoint that misses its keepalive
 * window is gone (the scheduled sweep deletes it and its pending events; readers check the deadline).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type EndpointServerFrame,
  QOS_AT_LEAST_ONCE,
  type RegisterEndpointBody,
  type SendEventBody,
  type ServerFrame,
  type UnregisterEndpointBody,
  type UserEvent,
  type UserEventFrame,
} from '../../../protocol/index.ts';
import { hasScope, type Principal } from '../auth/principal.ts';
import { BEARER_REQUIRED, NO_ORGANIZATION, type SignedInUser, signedInUser } from '../auth/signedInUser.ts';
import { type Clock, epochSeconds, isoAt } from '../clock.ts';
import { AppError, BadRequestError, ConflictError, FieldValidationError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts';
import type { ConnectionNotifier } from '../signaling/connectionNotifier.ts';
import type { ConnectionRepository } from '../signaling/connectionRepository.ts';
import { isIdentified } from '../signaling/records.ts';
import type { EndpointRepository, EndpointWindow } from './endpointRepository.ts';
import { seal, unseal } from './eventSeal.ts';
import { InvalidMaskError, maskCopy } from './masking.ts';
import type { PendingEventRepository } from './pendingEventRepository.ts';
import {
  type EndpointRecord,
  endpointKeyOf,
  endpointTtl,
  liveKey,
  PENDING_EVENT_MAX_SECONDS,
  type PendingEventRecord,
  reminderKey,
  reminderLeadMs,
  userKeyOf,
} from './records.ts';

const UNKNOWN_ENDPOINT = 'no such endpoint, or it expired: register it again';
const NOT_YOURS = 'this endpoint belongs to another user';
const CONNECTION_NOT_FOUND = 'WebSocket Connection Not Found';
/** Pending events delivered on one identify (the rest follow on the next one). */
const REDELIVERY_LIMIT = 1000;
/** Pending events posted at once on an identify (a 10 s handler gets through the limit in well under a second per 100). */
const REDELIVERY_BATCH = 20;

/** A qos-1 event with masks cannot be stored without a key to seal its original (EVENT_SEAL_KEY). */
export class EventSealUnavailableError extends AppError {
  readonly statusCode = 503;
}

export interface EndpointServiceDeps {
  endpoints: EndpointRepository;
  events: PendingEventRepository;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  /** Seals masked events' originals at rest; undefined: qos-1 events with masks are refused (503). */
  /** The key that seals stored originals of masked events (sealKeyProvider.ts); undefined: none configured. */
  sealKey: () => Promise<Buffer | undefined>;
  clock: Clock;
  logger: Logger;
}

type Owner = Pick<SignedInUser, 'userId' | 'organizationId' | 'userKey'>;

/** An event for a user's endpoints (sendEvent's body, its organisation decided). */
export interface PushRequest {
  organizationId: string;
  userId: string;
  userEndpointId?: string | undefined;
  event: UserEvent;
  masks?: readonly string[] | undefined;
  qos?: number | undefined;
  /** Who sent it, for the log. */
  sender?: string | undefined;
}

export class EndpointService {
  constructor(private readonly d: EndpointServiceDeps) {}

  /** Registers (or, for its owner, refreshes) an endpoint; its id. */
  async register(principal: Principal | undefined, body: RegisterEndpointBody): Promise<string> {
    const owner = ownerOf(principal);
    const nowMs = this.d.clock.nowMs();
    const window = windowOf(body.keepAliveSeconds * 1000, body.serverKeepAliveReminderOn === true, nowMs);
    const userEndpointId = body.userEndpointId ?? randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = body.userEndpointId === undefined ? undefined : await this.d.endpoints.get(userEndpointId);
      if (existing && existing.deadlineMs > nowMs) {
        if (existing.userKey !== owner.userKey) throw new ConflictError('this userEndpointId is in use by another user');
        // the owner registers a live endpoint again: a new window, pending events kept
        if (await this.d.endpoints.refresh(userEndpointId, owner.userKey, existing.generation, window, nowMs)) {
          this.d.logger.info('endpoint registered again', { userEndpointId, userId: owner.userId, organizationId: owner.organizationId });
          return userEndpointId;
        }
        continue; // it changed in between: look again
      }
      const record: EndpointRecord = {
        userEndpointId,
        userKey: owner.userKey,
        userId: owner.userId,
        organizationId: owner.organizationId,
        generation: randomBytes(6).toString('base64url'),
        keepAliveMs: window.keepAliveMs,
        reminderOn: window.reminderOn,
        registeredAt: isoAt(nowMs),
        deadlineMs: window.deadlineMs,
        live: liveKey(userEndpointId),
        ...(window.remindAtMs !== undefined && { reminder: reminderKey(userEndpointId), remindAtMs: window.remindAtMs }),
        expiresAt: endpointTtl(window.deadlineMs),
      };
      const replaced = await this.d.endpoints.create(record, nowMs);
      if (replaced === false) continue; // registered by someone in between: look again
      if (replaced) await this.forget(replaced, 'expired endpoint registered again');
      this.d.logger.info('endpoint registered', {
        userEndpointId,
        userId: owner.userId,
        organizationId: owner.organizationId,
        keepAliveSeconds: body.keepAliveSeconds,
        reminderOn: window.reminderOn,
      });
      return userEndpointId;
    }
    throw new ConflictError('this userEndpointId is changing too fast; retry');
  }

  async unregister(principal: Principal | undefined, body: UnregisterEndpointBody): Promise<void> {
    const owner = ownerOf(principal);
    const deleted = await this.d.endpoints.delete(body.userEndpointId, owner.userKey);
    if (!deleted) throw await this.missingOrNotYours(body.userEndpointId, owner);
    await this.forget(deleted, 'unregistered');
    this.d.logger.info('endpoint unregistered', { userEndpointId: body.userEndpointId, userId: owner.userId, reason: body.reason });
    if (deleted.deadlineMs <= this.d.clock.nowMs()) throw new NotFoundError(UNKNOWN_ENDPOINT); // it had expired already
  }

  async keepalive(principal: Principal | undefined, userEndpointId: string): Promise<void> {
    const owner = ownerOf(principal);
    const nowMs = this.d.clock.nowMs();
    const existing = await this.d.endpoints.get(userEndpointId);
    if (!existing || existing.deadlineMs <= nowMs) throw new NotFoundError(UNKNOWN_ENDPOINT);
    if (existing.userKey !== owner.userKey) throw new ForbiddenError(NOT_YOURS);
    const window = windowOf(existing.keepAliveMs, existing.reminderOn, nowMs);
    if (!(await this.d.endpoints.refresh(userEndpointId, owner.userKey, existing.generation, window, nowMs))) {
      throw new NotFoundError(UNKNOWN_ENDPOINT); // expired (or replaced) in between
    }
  }

  /** POST sendEvent: an event to a user's live endpoints (or one of them); the number it was sent to. */
  async sendEvent(principal: Principal | undefined, body: SendEventBody): Promise<number> {
    const organizationId = senderOrganization(principal, body.organizationId);
    return this.push({ ...body, organizationId, sender: principal?.subject });
  }

  /**
   * Sends an event to a user's live endpoints (or one of them): qos 1 stores it for each until it is
   * acknowledged. The number it was sent to (qos 1: the live endpoints; otherwise: those it reached).
   */
  async push(body: PushRequest): Promise<number> {
    const { organizationId } = body;
    const userKey = userKeyOf(organizationId, body.userId);
    const nowMs = this.d.clock.nowMs();
    const qos1 = body.qos === QOS_AT_LEAST_ONCE;
    const eventId = newEventId(nowMs);
    const event: UserEvent & { eventId: string } = { ...body.event, eventId };
    // masks first: a bad one is a 400 before anything is written or sent
    let stored = event;
    let replaced = 0;
    try {
      ({ masked: stored, replaced } = maskCopy(event, body.masks ?? []));
    } catch (error) {
      if (error instanceof InvalidMaskError) throw new FieldValidationError({ [`masks.${error.index}`]: error.message });
      throw error;
    }
    const sealKey = qos1 && replaced > 0 ? await this.d.sealKey() : undefined;
    if (qos1 && replaced > 0 && !sealKey) {
      throw new EventSealUnavailableError('qos-1 events with masks need EVENT_SEAL_KEY or EVENT_SEAL_KMS_KEY_ID configured');
    }
    const targets = body.userEndpointId
      ? [await this.d.endpoints.get(body.userEndpointId)].filter((e): e is EndpointRecord => e !== undefined && e.userKey === userKey && e.deadlineMs > nowMs)
      : await this.d.endpoints.listLive(userKey, nowMs);
    if (qos1 && targets.length > 0) {
      const sealed = sealKey ? seal(sealKey, JSON.stringify(event), eventId) : undefined;
      // stored before it is sent: a delivery that fails, or a client that drops before acknowledging, gets it again
      await this.d.events.putMany(
        targets.map(
          (t): PendingEventRecord => ({
            endpointKey: endpointKeyOf(t),
            eventId,
            event: stored,
            ...(sealed !== undefined && { sealed }),
            createdAt: isoAt(nowMs),
            expiresAt: epochSeconds(nowMs) + PENDING_EVENT_MAX_SECONDS,
          }),
        ),
      );
    }
    const frame: UserEventFrame = { type: 'event', event };
    const delivered = await Promise.all(targets.map((t) => (t.connectionId ? this.deliver(t.userEndpointId, t.connectionId, frame) : false)));
    const sent = qos1 ? targets.length : delivered.filter(Boolean).length;
    this.d.logger.info('event sent', {
      eventId,
      eventType: event.type,
      organizationId,
      userId: body.userId,
      userEndpointId: body.userEndpointId,
      qos: qos1 ? 1 : 0,
      endpoints: targets.length,
      delivered: delivered.filter(Boolean).length,
      sent,
      sender: body.sender,
      event: stored, // the masked copy: never the original
    });
    return sent;
  }

  /** identify {type: endpoint, id}: binds the connection to the user's endpoint and delivers what is pending. */
  async identify(connectionId: string, userEndpointId: string): Promise<void> {
    const nowMs = this.d.clock.nowMs();
    const conn = await this.d.connections.get(connectionId, nowMs);
    if (!conn) throw new BadRequestError(CONNECTION_NOT_FOUND);
    if (conn.grant.role !== 'user') throw new ForbiddenError('this token cannot identify as type "endpoint": it takes a user token');
    if (!conn.grant.org) throw new ForbiddenError(NO_ORGANIZATION);
    if (conn.grant.endpoint !== userEndpointId) throw new ForbiddenError('this connection was opened for another endpoint (userEndpointId in the URL)');
    if (isIdentified(conn) || (conn.endpointId !== undefined && conn.endpointId !== userEndpointId)) {
      throw new ConflictError('this connection has already identified as something else');
    }
    const owner: Owner = { userId: conn.grant.sub, organizationId: conn.grant.org, userKey: userKeyOf(conn.grant.org, conn.grant.sub) };
    const before = await this.d.endpoints.bindConnection(userEndpointId, owner.userKey, connectionId, nowMs);
    if (!before) throw await this.missingOrNotYours(userEndpointId, owner);
    const endpointKey = endpointKeyOf(before);
    if (!(await this.d.endpoints.markConnection(connectionId, userEndpointId, endpointKey))) {
      await this.d.endpoints.unbindConnection(userEndpointId, connectionId);
      throw new BadRequestError(CONNECTION_NOT_FOUND);
    }
    // the endpoint's previous connection is superseded
    if (before.connectionId && before.connectionId !== connectionId) await this.d.notifier.close(before.connectionId);
    this.d.logger.info('endpoint identified', { connectionId, userEndpointId, userId: owner.userId });
    if (!(await this.d.notifier.send(connectionId, asServerFrame({ type: 'identified', id: userEndpointId, peerType: 'endpoint' })))) {
      await this.d.endpoints.unbindConnection(userEndpointId, connectionId);
      return;
    }
    const pending = await this.d.events.list(endpointKey, REDELIVERY_LIMIT);
    // oldest first, a batch at a time (API Gateway does not keep the order of concurrent posts anyway)
    for (let i = 0; i < pending.length; i += REDELIVERY_BATCH) {
      const batch = pending.slice(i, i + REDELIVERY_BATCH);
      const sent = await Promise.all(
        batch.map(async (record) => this.d.notifier.send(connectionId, asServerFrame({ type: 'event', event: await this.original(record) }))),
      );
      if (sent.includes(false)) {
        await this.d.endpoints.unbindConnection(userEndpointId, connectionId);
        return;
      }
    }
    if (pending.length > 0) this.d.logger.info('pending events delivered', { connectionId, userEndpointId, count: pending.length });
  }

  /** $connect with a user token: only for a live endpoint of that user (404 unknown or expired, 403 another user's). */
  async assertConnectable(userId: string, organizationId: string | undefined, userEndpointId: string): Promise<void> {
    if (!organizationId) throw new ForbiddenError(NO_ORGANIZATION);
    const owner: Owner = { userId, organizationId, userKey: userKeyOf(organizationId, userId) };
    const existing = await this.d.endpoints.get(userEndpointId);
    if (existing && existing.deadlineMs > this.d.clock.nowMs() && existing.userKey === owner.userKey) return;
    throw await this.missingOrNotYours(userEndpointId, owner);
  }

  /** ack {eventId}: a qos-1 event arrived; it is not delivered again. */
  async ack(connectionId: string, eventId: string): Promise<void> {
    const conn = await this.d.connections.get(connectionId, this.d.clock.nowMs());
    if (!conn?.endpointKey) throw new BadRequestError('only a connection identified as an endpoint acknowledges events');
    await this.d.events.delete(conn.endpointKey, eventId);
  }

  /** $disconnect of a connection that identified as an endpoint. */
  async connectionClosed(endpointId: string, connectionId: string): Promise<void> {
    await this.d.endpoints.unbindConnection(endpointId, connectionId);
  }

  /**
   * The scheduled sweep: keepalive reminders that are due, then endpoints whose window closed (deleted
   * with their pending events; their connection is closed). At most `limit` of each per shard and call.
   */
  async sweep(limit = 25): Promise<{ reminded: number; expired: number; more: boolean }> {
    const nowMs = this.d.clock.nowMs();
    let reminded = 0;
    const due = await this.d.endpoints.listDueReminders(nowMs, limit);
    await Promise.all(
      due.items.map(async (seen) => {
        const taken = await this.d.endpoints.takeReminder(seen, nowMs);
        if (!taken?.connectionId) return;
        const reminder = {
          type: 'UserEndpointKeepAliveReminderEvent',
          timestamp: isoAt(nowMs),
          eventId: newEventId(nowMs),
          userEndpointId: taken.userEndpointId,
          expiresAt: isoAt(taken.deadlineMs),
        };
        if (await this.deliver(taken.userEndpointId, taken.connectionId, { type: 'event', event: reminder })) reminded++;
      }),
    );
    let expired = 0;
    const closed = await this.d.endpoints.listExpired(nowMs, limit);
    await Promise.all(
      closed.items.map(async (seen) => {
        const gone = await this.d.endpoints.deleteExpired(seen, nowMs);
        if (!gone) return; // kept alive, or registered again, since
        await this.forget(gone, 'expired');
        expired++;
      }),
    );
    if (reminded + expired > 0) this.d.logger.info('endpoint sweep', { reminded, expired });
    return { reminded, expired, more: due.more || closed.more };
  }

  /** A deleted endpoint: its pending events dropped, its connection closed. */
  private async forget(record: EndpointRecord, why: string): Promise<void> {
    const dropped = await this.d.events.purge(endpointKeyOf(record));
    if (record.connectionId) await this.d.notifier.close(record.connectionId);
    this.d.logger.info('endpoint gone', { userEndpointId: record.userEndpointId, userId: record.userId, why, droppedEvents: dropped });
  }

  private async original(record: PendingEventRecord): Promise<UserEvent & { eventId: string }> {
    const key = record.sealed === undefined ? undefined : await this.d.sealKey();
    if (record.sealed === undefined || !key) return record.event;
    return JSON.parse(unseal(key, record.sealed, record.eventId)) as UserEvent & { eventId: string };
  }

  /** Posts a frame to an endpoint's connection; a connection found gone is unbound. */
  private async deliver(userEndpointId: string, connectionId: string, frame: EndpointServerFrame): Promise<boolean> {
    if (await this.d.notifier.send(connectionId, asServerFrame(frame))) return true;
    await this.d.endpoints.unbindConnection(userEndpointId, connectionId);
    return false;
  }

  private async missingOrNotYours(userEndpointId: string, owner: Owner): Promise<AppError> {
    const existing = await this.d.endpoints.get(userEndpointId);
    if (!existing || existing.deadlineMs <= this.d.clock.nowMs()) return new NotFoundError(UNKNOWN_ENDPOINT);
    return existing.userKey === owner.userKey ? new NotFoundError(UNKNOWN_ENDPOINT) : new ForbiddenError(NOT_YOURS);
  }
}

/** The user behind a token: its subject and organisation claim. */
const ownerOf = (principal: Principal | undefined): Owner => signedInUser(principal, 'user endpoints');

/** The organisation a sender may send into: a service client's choice, a user's own. */
function senderOrganization(principal: Principal | undefined, requested: string | undefined): string {
  if (!principal) throw new UnauthorizedError(BEARER_REQUIRED);
  if (principal.kind === 'service') {
    if (!hasScope(principal, 'events:send')) throw new ForbiddenError('sending events takes the events:send scope');
    if (requested === undefined) throw new FieldValidationError({ organizationId: 'organizationId is required with a service token' });
    return requested;
  }
  if (principal.kind !== 'user') throw new ForbiddenError('sending events takes a user or service token');
  if (!principal.organizationId) throw new ForbiddenError(NO_ORGANIZATION);
  if (requested !== undefined && requested !== principal.organizationId) {
    throw new ForbiddenError('users send events only within their own organisation');
  }
  return principal.organizationId;
}

function windowOf(keepAliveMs: number, reminderOn: boolean, nowMs: number): EndpointWindow {
  const deadlineMs = nowMs + keepAliveMs;
  return { keepAliveMs, reminderOn, deadlineMs, remindAtMs: reminderOn ? deadlineMs - reminderLeadMs(keepAliveMs) : undefined };
}

/** Event ids sort by time: epoch ms in base 36 (fixed width), then randomness. */
export function newEventId(nowMs: number): string {
  return `${nowMs.toString(36).padStart(9, '0')}-${randomBytes(8).toString('hex')}`;
}

/** Endpoint frames travel through the same notifier as room frames. */
const asServerFrame = (frame: EndpointServerFrame): ServerFrame => frame as unknown as ServerFrame;
