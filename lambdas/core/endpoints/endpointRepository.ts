/**
 * DynamoDB access for user endpoints: GetItem / conditional writes on the endpoint id, a Query on the
 * byUser index for a user's endpoints, and Queries on the byDeadline / sparse byReminder indexes for
 * the expiry sweep. Never a Scan.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ENDPOINTS_BY_USER_INDEX, ENDPOINTS_DEADLINE_INDEX, ENDPOINTS_REMINDER_INDEX } from '../../../lib/tables.ts';
import { isConditionFailure } from '../dynamoErrors.ts';
import { type EndpointRecord, endpointTtl, reminderKey, SWEEP_SHARDS } from './records.ts';

/** A refresh of a live registration: the new window and reminder settings. */
export interface EndpointWindow {
  keepAliveMs: number;
  reminderOn: boolean;
  deadlineMs: number;
  remindAtMs: number | undefined;
}

export class EndpointRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { endpoints: string; connections: string },
  ) {}

  async get(userEndpointId: string): Promise<EndpointRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tables.endpoints, Key: { userEndpointId }, ConsistentRead: true }));
    return out.Item as EndpointRecord | undefined;
  }

  /**
   * A new registration: only if the id is free or its endpoint expired. Returns the expired record it
   * replaced (its pending events are to be dropped), or `false` when the id is taken by a live endpoint.
   */
  async create(record: EndpointRecord, nowMs: number): Promise<EndpointRecord | undefined | false> {
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.tables.endpoints,
          Item: record,
          ConditionExpression: 'attribute_not_exists(userEndpointId) OR deadlineMs <= :now',
          ExpressionAttributeValues: { ':now': nowMs },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes as EndpointRecord | undefined;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * A new keepalive window (a keepalive, or a registration of a live endpoint by its owner); only while
   * the endpoint is live, owned by `userKey` and of `generation`. The record after, or undefined.
   */
  async refresh(userEndpointId: string, userKey: string, generation: string, window: EndpointWindow, nowMs: number): Promise<EndpointRecord | undefined> {
    const reminder = window.remindAtMs !== undefined;
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.endpoints,
          Key: { userEndpointId },
          UpdateExpression: `SET keepAliveMs = :keepAliveMs, reminderOn = :reminderOn, deadlineMs = :deadline, expiresAt = :ttl${
            reminder ? ', reminder = :due, remindAtMs = :remindAt' : ''
          }${reminder ? '' : ' REMOVE reminder, remindAtMs'}`,
          ConditionExpression: 'userKey = :userKey AND generation = :generation AND deadlineMs > :now',
          ExpressionAttributeValues: {
            ':keepAliveMs': window.keepAliveMs,
            ':reminderOn': window.reminderOn,
            ':deadline': window.deadlineMs,
            ':ttl': endpointTtl(window.deadlineMs),
            ':userKey': userKey,
            ':generation': generation,
            ':now': nowMs,
            ...(reminder && { ':due': reminderKey(userEndpointId), ':remindAt': window.remindAtMs }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as EndpointRecord;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Deletes `userKey`'s endpoint; the record it was, or undefined (not there, or not theirs). */
  async delete(userEndpointId: string, userKey: string): Promise<EndpointRecord | undefined> {
    try {
      const out = await this.db.send(
        new DeleteCommand({
          TableName: this.tables.endpoints,
          Key: { userEndpointId },
          ConditionExpression: 'userKey = :userKey',
          ExpressionAttributeValues: { ':userKey': userKey },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes as EndpointRecord | undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Binds a live endpoint of `userKey` to a connection; the record before (its old connection), or undefined. */
  async bindConnection(userEndpointId: string, userKey: string, connectionId: string, nowMs: number): Promise<EndpointRecord | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.endpoints,
          Key: { userEndpointId },
          UpdateExpression: 'SET connectionId = :connectionId',
          ConditionExpression: 'userKey = :userKey AND deadlineMs > :now',
          ExpressionAttributeValues: { ':connectionId': connectionId, ':userKey': userKey, ':now': nowMs },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes as EndpointRecord;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Forgets the endpoint's connection, if it still is `connectionId`. */
  async unbindConnection(userEndpointId: string, connectionId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.endpoints,
          Key: { userEndpointId },
          UpdateExpression: 'REMOVE connectionId',
          ConditionExpression: 'connectionId = :connectionId',
          ExpressionAttributeValues: { ':connectionId': connectionId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Records on the connection which endpoint (and registration) it identified as. */
  async markConnection(connectionId: string, userEndpointId: string, endpointKey: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.connections,
          Key: { connectionId },
          UpdateExpression: 'SET endpointId = :endpointId, endpointKey = :endpointKey',
          ConditionExpression: 'attribute_exists(connectionId)',
          ExpressionAttributeValues: { ':endpointId': userEndpointId, ':endpointKey': endpointKey },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The live endpoints of a user: ids from the byUser index, then the records themselves with a
   * consistent BatchGetItem (the index lags; its copy of connectionId may be stale).
   */
  async listLive(userKey: string, nowMs: number): Promise<EndpointRecord[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tables.endpoints,
          IndexName: ENDPOINTS_BY_USER_INDEX,
          KeyConditionExpression: 'userKey = :userKey',
          FilterExpression: 'deadlineMs > :now',
          ExpressionAttributeValues: { ':userKey': userKey, ':now': nowMs },
          ProjectionExpression: 'userEndpointId',
          ExclusiveStartKey: start,
        }),
      );
      ids.push(...(out.Items ?? []).map((i) => i.userEndpointId as string));
      start = out.LastEvaluatedKey;
    } while (start);
    const records: EndpointRecord[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((userEndpointId) => ({ userEndpointId }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        const out: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tables.endpoints]: { Keys: keys, ConsistentRead: true } } }),
        );
        records.push(...((out.Responses?.[this.tables.endpoints] ?? []) as EndpointRecord[]));
        keys = out.UnprocessedKeys?.[this.tables.endpoints]?.Keys;
      }
    }
    return records.filter((r) => r.userKey === userKey && r.deadlineMs > nowMs);
  }

  /** Endpoints whose keepalive window closed by `nowMs`, oldest first per shard (the byDeadline index); `more` if a shard had more than `limit`. */
  async listExpired(nowMs: number, limit: number): Promise<{ items: EndpointRecord[]; more: boolean }> {
    return this.queryShards(ENDPOINTS_DEADLINE_INDEX, 'live = :key AND deadlineMs <= :now', 'live', nowMs, limit);
  }

  /** Deletes an expired endpoint if no keepalive or new registration moved it since it was read. */
  async deleteExpired(seen: EndpointRecord, nowMs: number): Promise<EndpointRecord | undefined> {
    try {
      const out = await this.db.send(
        new DeleteCommand({
          TableName: this.tables.endpoints,
          Key: { userEndpointId: seen.userEndpointId },
          ConditionExpression: 'generation = :generation AND deadlineMs <= :now',
          ExpressionAttributeValues: { ':generation': seen.generation, ':now': nowMs },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes as EndpointRecord | undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Endpoints whose keepalive reminder is due by `nowMs` (the sparse byReminder index); `more` as for listExpired. */
  async listDueReminders(nowMs: number, limit: number): Promise<{ items: EndpointRecord[]; more: boolean }> {
    return this.queryShards(ENDPOINTS_REMINDER_INDEX, 'reminder = :key AND remindAtMs <= :now', 'due', nowMs, limit);
  }

  /** One Query per sweep shard (`<prefix>#<n>`), at most `limit` items each. */
  private async queryShards(indexName: string, condition: string, prefix: string, nowMs: number, limit: number) {
    const pages = await Promise.all(
      Array.from({ length: SWEEP_SHARDS }, (_, shard) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tables.endpoints,
            IndexName: indexName,
            KeyConditionExpression: condition,
            ExpressionAttributeValues: { ':key': `${prefix}#${shard}`, ':now': nowMs },
            Limit: limit,
          }),
        ),
      ),
    );
    return { items: pages.flatMap((p) => (p.Items ?? []) as EndpointRecord[]), more: pages.some((p) => p.LastEvaluatedKey !== undefined) };
  }

  /** Takes a due reminder (once: the first taker wins) while the endpoint is still live; the record after. */
  async takeReminder(seen: EndpointRecord, nowMs: number): Promise<EndpointRecord | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.endpoints,
          Key: { userEndpointId: seen.userEndpointId },
          UpdateExpression: 'REMOVE reminder, remindAtMs',
          ConditionExpression: 'remindAtMs = :remindAt AND generation = :generation AND deadlineMs > :now',
          ExpressionAttributeValues: { ':remindAt': seen.remindAtMs, ':generation': seen.generation, ':now': nowMs },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as EndpointRecord;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
