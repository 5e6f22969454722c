import type { ParticipantFeatures, PeerType, TokenRole, TokenVia } from '../../../protocol/index.ts';

/** A WebSocket connection: what its token grants, and (after identify) what it is. */
export interface ConnectionRecord {
  connectionId: string;
  /**
   * Grants of the token presented at $connect. A user token (role `user`, no room: `room` is '')
   * grants identifying as the user endpoint `endpoint` named at $connect; `org` is its organisation claim.
   */
  grant: { sub: string; room: string; role: TokenRole | 'user'; via?: TokenVia; org?: string; endpoint?: string };
  connectedAt: string;
  /** Epoch seconds: API Gateway closes every connection after 2 hours. */
  expiresAt: number;
  peerId?: string;
  roomId?: string;
  type?: PeerType;
  /** Set when the connection identified as a user endpoint (lambdas/core/endpoints), never with peerId/roomId. */
  endpointId?: string;
  /** The endpoint registration's pending-events partition (`userEndpointId#generation`). */
  endpointKey?: string;
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
