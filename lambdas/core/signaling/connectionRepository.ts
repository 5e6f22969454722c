/** DynamoDB access for WebSocket connections: GetItem / PutItem / UpdateItem / DeleteItem on the key only. */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PeerType } from '../../../protocol/index.ts';
import type { ConnectionRecord } from './records.ts';
import { isConditionFailure } from '../dynamoErrors.ts';

export class ConnectionRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(record: ConnectionRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: record }));
  }

  async get(connectionId: string, nowMs: number): Promise<ConnectionRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { connectionId }, ConsistentRead: true }),
    );
    const record = out.Item as ConnectionRecord | undefined;
    return record && record.expiresAt * 1000 > nowMs ? record : undefined;
  }

  /** Records what the connection identified as (only while the connection record exists). */
  async identify(connectionId: string, peerId: string, roomId: string, type: PeerType): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId },
          UpdateExpression: 'SET peerId = :peerId, roomId = :roomId, #type = :type',
          ConditionExpression: 'attribute_exists(connectionId)',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':peerId': peerId, ':roomId': roomId, ':type': type },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Marks the record as found gone by a send (before its $disconnect) and returns it; undefined when
   * there is none or it was marked already (what follows runs once). The record stays for $disconnect.
   */
  async markGone(connectionId: string, nowMs: number): Promise<ConnectionRecord | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId },
          UpdateExpression: 'SET goneAt = :now',
          ConditionExpression: 'attribute_exists(connectionId) AND attribute_not_exists(goneAt)',
          ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as ConnectionRecord | undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Deletes the record and returns what it was (undefined when already gone: cleanup runs once). */
  async delete(connectionId: string): Promise<ConnectionRecord | undefined> {
    const out = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { connectionId }, ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes as ConnectionRecord | undefined;
  }
}
