/** What is stored about user endpoints and their pending (qos-1, unacknowledged) events. */
import { createHash } from 'node:crypto';
import type { UserEvent } from '../../../protocol/index.ts';

/** One registered user endpoint (a device or browser tab). */
export interface EndpointRecord {
  userEndpointId: string;
  /** `userKeyOf(organizationId, userId)`: the byUser index key. */
  userKey: string;
  userId: string;
  organizationId: string;
  /** New for each registration that is not a refresh of a live one: pending events live under `userEndpointId#generation`. */
  generation: string;
  keepAliveMs: number;
  reminderOn: boolean;
  registeredAt: string;
  /** Epoch ms the endpoint is gone without a keepalive (byDeadline index sort key). */
  deadlineMs: number;
  /** `live#<shard>`: every endpoint is in the byDeadline index, spread over SWEEP_SHARDS partitions. */
  live: string;
  /** `due#<shard>` while a keepalive reminder is still to be sent (sparse byReminder index key). */
  reminder?: string;
  remindAtMs?: number;
  /** The WebSocket connection it identified on, while there is one. */
  connectionId?: string;
  /** Epoch seconds (DynamoDB TTL): a margin after the deadline; readers check deadlineMs. */
  expiresAt: number;
}

/** A qos-1 event waiting for its endpoint's acknowledgement. */
export interface PendingEventRecord {
  endpointKey: string;
  eventId: string;
  /** The event as stored: masked strings replaced by `*`s. */
  event: UserEvent & { eventId: string };
  /** The unmasked original, sealed (AES-256-GCM), when masks changed something. */
  sealed?: string;
  createdAt: string;
  /** Epoch seconds (DynamoDB TTL): a backstop; expiry and unregister delete pending events explicitly. */
  expiresAt: number;
}

export { userKeyOf } from '../auth/signedInUser.ts';

export const endpointKeyOf = (e: Pick<EndpointRecord, 'userEndpointId' | 'generation'>): string => `${e.userEndpointId}#${e.generation}`;

/** DynamoDB TTL of an endpoint: an hour after its deadline (keepalives move both). */
export const endpointTtl = (deadlineMs: number): number => Math.floor(deadlineMs / 1000) + 3600;

/** A pending event is dropped after this long even if its endpoint lives on (7 days). */
export const PENDING_EVENT_MAX_SECONDS = 7 * 86_400;

/** When the keepalive reminder goes out: half the window before the deadline, at most 2 minutes before. */
export const reminderLeadMs = (keepAliveMs: number): number => Math.min(Math.floor(keepAliveMs / 2), 120_000);

/**
 * The sweep indexes' partitions: keepalives rewrite the deadline, so one partition for every endpoint
 * would cap the table's keepalive rate at one index partition's write rate. The sweep Queries each.
 */
export const SWEEP_SHARDS = 8;

export const shardOf = (userEndpointId: string): number => createHash('sha256').update(userEndpointId).digest()[0]! % SWEEP_SHARDS;
export const liveKey = (userEndpointId: string): string => `live#${shardOf(userEndpointId)}`;
export const reminderKey = (userEndpointId: string): string => `due#${shardOf(userEndpointId)}`;
