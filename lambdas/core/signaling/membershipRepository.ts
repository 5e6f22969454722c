/**
 * Room membership in DynamoDB: the peers of a room (a Query on its partition) and the changes that
 * move the room's version (join, leave, features), each one transaction with the version as its
 * condition, so every change gets exactly one version and every event carries it.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { PEERS_LOST_INDEX } from '../../../lib/tables.ts';
import type { ParticipantFeatures } from '../../../protocol/index.ts';
import type { Room } from '../rooms/room.ts';
import type { PeerRecord } from './records.ts';
import { cancellationReasons, isConditionFailure } from '../dynamoErrors.ts';

export type VersionedChange<T> = { ok: true; version: number; value: T } | { ok: false; reason: 'conflict' | 'condition' };

export class MembershipRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { rooms: string; peers: string; connections: string },
  ) {}

  async getPeer(roomId: string, peerId: string, nowMs: number): Promise<PeerRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tables.peers, Key: { roomId, peerId }, ConsistentRead: true }),
    );
    const peer = out.Item as PeerRecord | undefined;
    return peer && peer.expiresAt * 1000 > nowMs ? peer : undefined;
  }

  /** Every live peer of a room (a Query on the room's partition; cost grows with the room, not the table). */
  async listPeers(roomId: string, nowMs: number): Promise<PeerRecord[]> {
    const peers: PeerRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tables.peers,
          KeyConditionExpression: 'roomId = :roomId',
          ExpressionAttributeValues: { ':roomId': roomId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      peers.push(...((out.Items ?? []) as PeerRecord[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return peers.filter((p) => p.expiresAt * 1000 > nowMs);
  }

  /**
   * A new peer joins a CLAIMED room at version `room.version + 1`, and its connection records what it
   * identified as, in the same transaction.
   */
  async join(room: Room, peer: PeerRecord, connectionId: string): Promise<VersionedChange<PeerRecord>> {
    return this.versioned(room, [
      {
        Put: {
          TableName: this.tables.peers,
          Item: peer,
          ConditionExpression: 'attribute_not_exists(peerId) OR expiresAt <= :nowSeconds',
          ExpressionAttributeValues: { ':nowSeconds': Math.floor(Date.parse(peer.joinedAt) / 1000) },
        },
      },
      {
        Update: {
          TableName: this.tables.connections,
          Key: { connectionId },
          UpdateExpression: 'SET peerId = :peerId, roomId = :roomId, #type = :client',
          ConditionExpression: 'attribute_exists(connectionId)',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':peerId': peer.peerId, ':roomId': peer.roomId, ':client': 'client' },
        },
      },
    ], peer, ['CLAIMED']);
  }

  /** The same peer id on a new connection: swaps the connection, no version change. */
  async replaceConnection(roomId: string, peerId: string, connectionId: string, expiresAt: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tables.peers,
        Key: { roomId, peerId },
        UpdateExpression: 'SET connectionId = :c, expiresAt = :exp REMOVE lost, lostAt',
        ConditionExpression: 'attribute_exists(peerId)',
        ExpressionAttributeValues: { ':c': connectionId, ':exp': expiresAt },
      }),
    );
  }

  /** The peer's connection dropped: it stays in the room for a grace period to reconnect. */
  async markLost(roomId: string, peerId: string, connectionId: string, lostAt: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.peers,
          Key: { roomId, peerId },
          UpdateExpression: 'SET lost = :lost, lostAt = :at',
          ConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':lost': 'lost', ':at': lostAt, ':c': connectionId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Peers whose connection dropped at or before `before` (epoch seconds) and never came back. */
  async listLost(before: number, limit: number): Promise<PeerRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tables.peers,
        IndexName: PEERS_LOST_INDEX,
        KeyConditionExpression: 'lost = :lost AND lostAt <= :before',
        ExpressionAttributeValues: { ':lost': 'lost', ':before': before },
        Limit: limit,
      }),
    );
    return (out.Items ?? []) as PeerRecord[];
  }

  /** The peer on `connectionId` leaves (not if it has moved to another connection meanwhile). */
  async leave(room: Room, peerId: string, connectionId: string): Promise<VersionedChange<null>> {
    return this.versioned(room, [
      {
        Delete: {
          TableName: this.tables.peers,
          Key: { roomId: room.roomId, peerId },
          ConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':c': connectionId },
        },
      },
    ], null);
  }

  async setFeatures(room: Room, peerId: string, features: ParticipantFeatures): Promise<VersionedChange<ParticipantFeatures>> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(features).map(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:f${i}`] = value;
      return `features.#f${i} = :f${i}`;
    });
    if (sets.length === 0) return { ok: true, version: room.version, value: features };
    return this.versioned(room, [
      {
        Update: {
          TableName: this.tables.peers,
          Key: { roomId: room.roomId, peerId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(peerId)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ], features, ['CLAIMED']);
  }

  /** Runs `items` with the room's version bump (condition: version unchanged since `room` was read). */
  private async versioned<T>(
    room: Room,
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
    value: T,
    statuses?: string[],
  ): Promise<VersionedChange<T>> {
    const version = room.version + 1;
    const statusCondition = statuses ? ` AND #status IN (${statuses.map((_, i) => `:s${i}`).join(', ')})` : '';
    const statusValues = Object.fromEntries((statuses ?? []).map((s, i) => [`:s${i}`, s]));
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tables.rooms,
                Key: { roomId: room.roomId },
                UpdateExpression: 'SET version = :next',
                ConditionExpression: `version = :current${statusCondition}`,
                ExpressionAttributeValues: { ':next': version, ':current': room.version, ...statusValues },
                ...(statuses && { ExpressionAttributeNames: { '#status': 'status' } }),
              },
            },
            ...items,
          ],
        }),
      );
      return { ok: true, version, value };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons) {
        // the room's version moved (another change won): re-read and retry; anything else is final
        if (reasons[0] === 'ConditionalCheckFailed' || reasons.includes('TransactionConflict')) {
          return { ok: false, reason: reasons.slice(1).includes('ConditionalCheckFailed') ? 'condition' : 'conflict' };
        }
        return { ok: false, reason: 'condition' };
      }
      throw error;
    }
  }
}
