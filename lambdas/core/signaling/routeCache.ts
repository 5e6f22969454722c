/**
 * What a relay needs to know, cached per process (a warm Lambda container): an identified
 * connection's identity (immutable once identified), a room's SFU connection and a peer's connection
 * (both can move on a reconnect: a send that finds one gone re-reads it). This keeps the relay's hot
 * path to one post when warm, and correctness never depends on the cache.
 */
import { LRUCache } from 'lru-cache';
import type { IdentifiedConnection } from './records.ts';

const TTL_MS = 60_000;

export class RouteCache {
  private readonly connections = new LRUCache<string, IdentifiedConnection>({ max: 10_000, ttl: TTL_MS });
  private readonly targets = new LRUCache<string, string>({ max: 10_000, ttl: TTL_MS });

  connection(connectionId: string): IdentifiedConnection | undefined {
    return this.connections.get(connectionId);
  }

  rememberConnection(conn: IdentifiedConnection): void {
    this.connections.set(conn.connectionId, conn);
  }

  forgetConnection(connectionId: string): void {
    this.connections.delete(connectionId);
  }

  /** The connection id of the room's SFU (`peerId` undefined) or of one of its clients. */
  target(roomId: string, peerId?: string): string | undefined {
    return this.targets.get(key(roomId, peerId));
  }

  rememberTarget(roomId: string, peerId: string | undefined, connectionId: string): void {
    this.targets.set(key(roomId, peerId), connectionId);
  }

  forgetTarget(roomId: string, peerId?: string): void {
    this.targets.delete(key(roomId, peerId));
  }
}

const key = (roomId: string, peerId?: string) => (peerId === undefined ? `${roomId}#sfu` : `${roomId}#${peerId}`);
