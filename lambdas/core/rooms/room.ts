import type { RoomAccessPolicy, RoomStatus } from '../../../protocol/index.ts';

/** A room as stored in the rooms table. */
export interface Room {
  roomId: string;
  status: RoomStatus;
  sfuId: string;
  /** ISO-8601 instant the room was created (sort key of the status index). */
  createdAt: string;
  updatedAt: string;
  /** Incremented by every change to membership or published media (and by claim and close). */
  version: number;
  urlPath?: string;
  /** Who may join: anyone with the URL (absent = `open`) or ticket holders only. */
  access?: RoomAccessPolicy;
  /** Peer id of the participant whose claim bound the path: it may change `access`. */
  createdBy?: string;
  taskArn?: string;
  /** The SFU's current WebSocket connection (set when it identifies). */
  sfuConnectionId?: string;
  /** Epoch seconds the SFU's connection dropped; it has a grace period to reconnect. */
  sfuLostAt?: number;
  /** Epoch seconds; an expired item is treated as absent (DynamoDB deletes it late). */
  expiresAt?: number;
}

export function isExpired(item: { expiresAt?: number }, nowMs: number): boolean {
  return item.expiresAt !== undefined && item.expiresAt * 1000 <= nowMs;
}

/** A room that can still host a call or is about to: not CLOSED and not expired. */
export function isLive(room: Room, nowMs: number): boolean {
  return room.status !== 'CLOSED' && !isExpired(room, nowMs);
}
