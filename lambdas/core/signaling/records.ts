import type { ParticipantFeatures, PeerType, TokenRole } from '../../../protocol/index.ts';

/** A WebSocket connection: what its token grants, and (after identify) what it is. */
export interface ConnectionRecord {
  connectionId: string;
  /** Grants of the token presented at $connect. */
  grant: { sub: string; room: string; role: TokenRole };
  connectedAt: string;
  /** Epoch seconds: API Gateway closes every connection after 2 hours. */
  expiresAt: number;
  peerId?: string;
  roomId?: string;
  type?: PeerType;
}

export type IdentifiedConnection = ConnectionRecord & { peerId: string; roomId: string; type: PeerType };

export const isIdentified = (c: ConnectionRecord | undefined): c is IdentifiedConnection =>
  c !== undefined && c.peerId !== undefined && c.roomId !== undefined && c.type !== undefined;

/** A client in a room. (The room's SFU is on the room item: sfuConnectionId.) */
export interface PeerRecord {
  roomId: string;
  peerId: string;
  connectionId: string;
  displayName?: string;
  features: ParticipantFeatures;
  joinedAt: string;
  expiresAt: number;
  /** Set ('lost') while the peer's connection has dropped and it may still reconnect (sparse index key). */
  lost?: 'lost';
  /** Epoch seconds the connection dropped. */
  lostAt?: number;
}

/** How long a connection (and so a peer record) can live: API Gateway's 2 hours, plus a margin. */
export const CONNECTION_LIFETIME_SECONDS = 2 * 3600 + 600;
