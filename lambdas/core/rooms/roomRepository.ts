/**
 * DynamoDB access for rooms, path bindings and the live-room counter. Every read is a GetItem or
 * a Query on a key or index; every write that two callers can race on is conditional.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Counters } from '../counters.ts';
import { cancellationReasons, ignoreConditionFailure, isConditionFailure } from '../dynamoErrors.ts';
import { ROOMS_BY_STATUS_INDEX, type TableId } from '../../../lib/tables.ts';
import type { RoomAccessPolicy, RoomStatus } from '../../../protocol/index.ts';
import type { Room } from './room.ts';

export const LIVE_ROOMS_COUNTER = 'liveRooms';
export const LIVE_CONNECTIONS_COUNTER = 'liveConnections';

export interface PathBinding {
  urlPath: string;
  roomId: string;
  claimedAt: string;
  /** The room's access policy, kept with the binding so that getRoomId stays one read (absent = open). */
  access?: RoomAccessPolicy;
}

export type ClaimOutcome = 'claimed' | 'room-taken' | 'path-taken' | 'conflict';

export class RoomRepository {
  private readonly counters: Counters;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableNames: Record<TableId, string>,
  ) {
    this.counters = new Counters(db, tableNames.counters);
  }

  async getRoom(roomId: string): Promise<Room | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableNames.rooms, Key: { roomId }, ConsistentRead: true }),
    );
    return out.Item as Room | undefined;
  }

  /**
   * The binding of a path. An eventually consistent read may miss a claim made within the last
   * second; callers that must not miss it (a claim's retry) ask for a consistent one.
   */
  async getPath(urlPath: string, consistent = true): Promise<PathBinding | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableNames.paths, Key: { urlPath }, ConsistentRead: consistent }),
    );
    return out.Item as PathBinding | undefined;
  }

  /** Rooms in one status, oldest first, at most `limit` (a Query on the status index). */
  async listByStatus(status: RoomStatus, limit: number): Promise<Room[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableNames.rooms,
        IndexName: ROOMS_BY_STATUS_INDEX,
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
        Limit: limit,
      }),
    );
    return (out.Items ?? []) as Room[];
  }

  /**
   * Writes a STARTING room and counts it as live, in one transaction that fails when the count
   * has reached `maxRooms`. Returns false when the cap stopped it.
   */
  async insertStarting(room: Room, maxRooms: number): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableNames.counters,
                Key: { name: LIVE_ROOMS_COUNTER },
                UpdateExpression: 'ADD #count :one',
                ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
                ExpressionAttributeNames: { '#count': 'count' },
                ExpressionAttributeValues: { ':one': 1, ':max': maxRooms },
              },
            },
            {
              Put: {
                TableName: this.tableNames.rooms,
                Item: room,
                ConditionExpression: 'attribute_not_exists(roomId)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /** Removes a STARTING room whose task never started, and uncounts it. */
  async deleteStarting(roomId: string): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: this.tableNames.rooms,
              Key: { roomId },
              ConditionExpression: '#status = :starting',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':starting': 'STARTING' },
            },
          },
          this.decrementLiveRooms(),
        ],
      }),
    );
  }

  async setTaskArn(roomId: string, taskArn: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableNames.rooms,
        Key: { roomId },
        UpdateExpression: 'SET taskArn = :arn',
        ConditionExpression: 'attribute_exists(roomId)',
        ExpressionAttributeValues: { ':arn': taskArn },
      }),
    ).catch(ignoreConditionFailure);
  }

  /** STARTING -> AVAILABLE (idempotent for an AVAILABLE room). False if the room is in no such state. */
  async markAvailable(roomId: string, nowIso: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableNames.rooms,
          Key: { roomId },
          UpdateExpression: 'SET #status = :available, updatedAt = :now REMOVE expiresAt',
          ConditionExpression: '#status IN (:starting, :available)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':available': 'AVAILABLE', ':starting': 'STARTING', ':now': nowIso },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Binds `urlPath` to an AVAILABLE room in one transaction: the room must still be AVAILABLE and
   * the path unbound, so two claims never get the same room and a path never maps to two rooms.
   * `access` sets the room's policy from the start (absent: open).
   */
  async claim(roomId: string, urlPath: string, nowIso: string, createdBy: string, access?: RoomAccessPolicy): Promise<ClaimOutcome> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableNames.rooms,
                Key: { roomId },
                UpdateExpression: `SET #status = :claimed, urlPath = :path, updatedAt = :now, createdBy = :by${access ? ', #access = :access' : ''} ADD version :one`,
                ConditionExpression: '#status = :available',
                ExpressionAttributeNames: { '#status': 'status', ...(access && { '#access': 'access' }) },
                ExpressionAttributeValues: {
                  ':by': createdBy,
                  ':claimed': 'CLAIMED',
                  ':available': 'AVAILABLE',
                  ':path': urlPath,
                  ':now': nowIso,
                  ':one': 1,
                  ...(access && { ':access': access }),
                },
              },
            },
            {
              Put: {
                TableName: this.tableNames.paths,
                Item: { urlPath, roomId, claimedAt: nowIso, ...(access && { access }) } satisfies PathBinding,
                ConditionExpression: 'attribute_not_exists(urlPath)',
              },
            },
          ],
        }),
      );
      return 'claimed';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[1] === 'ConditionalCheckFailed') return 'path-taken';
      if (reasons[0] === 'ConditionalCheckFailed') return 'room-taken';
      if (reasons.includes('TransactionConflict')) return 'conflict';
      throw error;
    }
  }

  /**
   * Sets a CLAIMED room's access policy, on the room and on its path binding in one transaction.
   * False when the room is not CLAIMED (or its binding moved).
   */
  async setAccess(room: Room & { urlPath: string }, access: RoomAccessPolicy, nowIso: string): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableNames.rooms,
                Key: { roomId: room.roomId },
                UpdateExpression: 'SET #access = :access, updatedAt = :now',
                ConditionExpression: '#status = :claimed AND urlPath = :path',
                ExpressionAttributeNames: { '#status': 'status', '#access': 'access' },
                ExpressionAttributeValues: { ':access': access, ':now': nowIso, ':claimed': 'CLAIMED', ':path': room.urlPath },
              },
            },
            {
              Update: {
                TableName: this.tableNames.paths,
                Key: { urlPath: room.urlPath },
                UpdateExpression: 'SET #access = :access',
                ConditionExpression: 'roomId = :roomId',
                ExpressionAttributeNames: { '#access': 'access' },
                ExpressionAttributeValues: { ':access': access, ':roomId': room.roomId },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationReasons(error)?.includes('ConditionalCheckFailed')) return false;
      throw error;
    }
  }

  /** Drops a binding to a room that is gone, unless someone re-bound the path meanwhile. */
  async deletePathIfBoundTo(urlPath: string, roomId: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableNames.paths,
        Key: { urlPath },
        ConditionExpression: 'roomId = :roomId',
        ExpressionAttributeValues: { ':roomId': roomId },
      }),
    ).catch(ignoreConditionFailure);
  }

  /**
   * Any live state -> CLOSED: frees its path, uncounts it, bumps its version, and lets TTL remove
   * it after `retentionSeconds`. Returns the closed room, or undefined if it was already closed.
   */
  async close(room: Room, nowIso: string, expiresAt: number): Promise<Room | undefined> {
    try {
      const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
        {
          Update: {
            TableName: this.tableNames.rooms,
            Key: { roomId: room.roomId },
            UpdateExpression: 'SET #status = :closed, updatedAt = :now, expiresAt = :exp ADD version :one',
            ConditionExpression: 'attribute_exists(roomId) AND #status <> :closed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':closed': 'CLOSED', ':now': nowIso, ':exp': expiresAt, ':one': 1 },
          },
        },
        this.decrementLiveRooms(),
      ];
      if (room.urlPath) {
        items.push({
          Delete: {
            TableName: this.tableNames.paths,
            Key: { urlPath: room.urlPath },
            ConditionExpression: 'attribute_not_exists(urlPath) OR roomId = :roomId',
            ExpressionAttributeValues: { ':roomId': room.roomId },
          },
        });
      }
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { ...room, status: 'CLOSED', version: room.version + 1, updatedAt: nowIso, expiresAt };
    } catch (error) {
      if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') return undefined;
      throw error;
    }
  }

  async liveRoomCount(): Promise<number> {
    return this.counter(LIVE_ROOMS_COUNTER);
  }

  counter(name: string): Promise<number> {
    return this.counters.get(name);
  }

  /** Adds to a gauge (an approximate count kept for metrics, e.g. open connections). */
  addToCounter(name: string, delta: number): Promise<void> {
    return this.counters.add(name, delta);
  }

  /** A short exclusive lease (e.g. for the reconciler). True if this owner now holds it. */
  async acquireLease(name: string, owner: string, nowSeconds: number, ttlSeconds: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableNames.counters,
          Key: { name },
          UpdateExpression: 'SET #owner = :owner, expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(expiresAt) OR expiresAt <= :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':exp': nowSeconds + ttlSeconds, ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableNames.counters,
        Key: { name },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    ).catch(ignoreConditionFailure);
  }

  private decrementLiveRooms() {
    return {
      Update: {
        TableName: this.tableNames.counters,
        Key: { name: LIVE_ROOMS_COUNTER },
        UpdateExpression: 'ADD #count :minusOne',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':minusOne': -1 },
      },
    };
  }
}

/** Where a room's SFU is reached: set when it identifies, cleared when its connection drops. */
export class SfuBindingRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly roomsTable: string,
  ) {}

  /**
   * Records `connectionId` as the room's SFU connection, if `sfuId` is the room's SFU and the room is
   * not CLOSED. Returns the room as it was before (with any previous SFU connection), or undefined.
   */
  async bind(roomId: string, sfuId: string, connectionId: string, nowIso: string): Promise<Room | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.roomsTable,
          Key: { roomId },
          UpdateExpression: 'SET sfuConnectionId = :c, updatedAt = :now REMOVE sfuLostAt',
          ConditionExpression: 'sfuId = :sfuId AND #status <> :closed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':c': connectionId, ':sfuId': sfuId, ':closed': 'CLOSED', ':now': nowIso },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes as Room | undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** The SFU's connection dropped: clear it (if still this one) and note when, for the reconnect grace. */
  async unbind(roomId: string, connectionId: string, lostAtSeconds: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.roomsTable,
          Key: { roomId },
          UpdateExpression: 'SET sfuLostAt = :lost REMOVE sfuConnectionId',
          ConditionExpression: 'sfuConnectionId = :c',
          ExpressionAttributeValues: { ':c': connectionId, ':lost': lostAtSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
