/**
 * DynamoDB access for call URLs: GetItem and conditional writes on the token, a Query on the byOwner
 * index for an owner's links. The ringing slot (one call per link at a time) is a conditional update.
 */
import { type DynamoDBDocumentClient, GetCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CALL_URLS_BY_OWNER_INDEX } from '../../../lib/tables.ts';
import { ignoreConditionFailure, unlessConditionFails } from '../dynamoErrors.ts';
import { putIfAbsent } from '../putIfAbsent.ts';
import type { CallUrlRecord } from './records.ts';

export class CallUrlRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(callToken: string): Promise<CallUrlRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { callToken }, ConsistentRead: true }));
    return out.Item as CallUrlRecord | undefined;
  }

  /** False when the token is taken (never in practice: 96 random bits). */
  insert(record: CallUrlRecord): Promise<boolean> {
    return putIfAbsent(this.db, this.tableName, 'callToken', { ...record });
  }

  /** An owner's links that still call (not revoked, not expired), newest first, at most `limit`. */
  async listLive(ownerKey: string, nowSeconds: number, limit: number): Promise<CallUrlRecord[]> {
    const items: CallUrlRecord[] = [];
    const pages = paginateQuery(
      { client: this.db, pageSize: limit },
      {
        TableName: this.tableName,
        IndexName: CALL_URLS_BY_OWNER_INDEX,
        KeyConditionExpression: 'ownerKey = :owner',
        FilterExpression: 'expiresAt > :now AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':owner': ownerKey, ':now': nowSeconds },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) {
      items.push(...((page.Items ?? []) as CallUrlRecord[]));
      if (items.length >= limit) break;
    }
    return items.slice(0, limit);
  }

  /** Marks `ownerKey`'s link revoked; false if it is not theirs or was revoked already. */
  async revoke(callToken: string, ownerKey: string, nowIso: string): Promise<boolean> {
    const done = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callToken },
          UpdateExpression: 'SET revokedAt = :now',
          ConditionExpression: 'ownerKey = :owner AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':owner': ownerKey, ':now': nowIso },
        }),
      ),
    );
    return done !== undefined;
  }

  /**
   * Takes the link's ringing slot for `callId` until `ringUntilMs`: only while the link calls (exists,
   * not revoked, not expired) and no other call from it is still ringing. One conditional update.
   */
  async takeRing(callToken: string, callId: string, ringUntilMs: number, nowMs: number): Promise<boolean> {
    const taken = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callToken },
          UpdateExpression: 'SET ringingCallId = :call, ringingUntilMs = :until',
          ConditionExpression:
            'attribute_exists(callToken) AND attribute_not_exists(revokedAt) AND expiresAt > :nowSeconds AND (attribute_not_exists(ringingUntilMs) OR ringingUntilMs <= :nowMs)',
          ExpressionAttributeValues: { ':call': callId, ':until': ringUntilMs, ':nowSeconds': Math.floor(nowMs / 1000), ':nowMs': nowMs },
        }),
      ),
    );
    return taken !== undefined;
  }

  /** Frees the ringing slot if `callId` still holds it. */
  async releaseRing(callToken: string, callId: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callToken },
          UpdateExpression: 'REMOVE ringingCallId, ringingUntilMs',
          ConditionExpression: 'ringingCallId = :call',
          ExpressionAttributeValues: { ':call': callId },
        }),
      )
      .catch(ignoreConditionFailure);
  }
}
