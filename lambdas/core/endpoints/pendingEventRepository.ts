/** DynamoDB access for pending qos-1 events: one partition per endpoint registration, in event-id order. */
import { BatchWriteCommand, DeleteCommand, type DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PendingEventRecord } from './records.ts';

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

export class PendingEventRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putMany(records: readonly PendingEventRecord[]): Promise<void> {
    await this.batchWrite(records.map((r) => ({ PutRequest: { Item: { ...r } } })));
  }

  /** Up to `limit` pending events of a registration, oldest first. */
  async list(endpointKey: string, limit = 1000): Promise<PendingEventRecord[]> {
    const items: PendingEventRecord[] = [];
    for await (const page of this.pages(endpointKey, { ConsistentRead: true }, limit)) {
      items.push(...((page.Items ?? []) as PendingEventRecord[]));
      if (items.length >= limit) break;
    }
    return items.slice(0, limit);
  }

  async delete(endpointKey: string, eventId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { endpointKey, eventId } }));
  }

  /** Drops every pending event of a registration (expiry, unregister); how many. */
  async purge(endpointKey: string): Promise<number> {
    let purged = 0;
    for await (const page of this.pages(endpointKey, { ProjectionExpression: 'endpointKey, eventId' })) {
      const keys = (page.Items ?? []).map((k) => ({ DeleteRequest: { Key: { endpointKey: k.endpointKey, eventId: k.eventId } } }));
      await this.batchWrite(keys);
      purged += keys.length;
    }
    return purged;
  }

  /** The pages of one registration's partition (lib-dynamodb's paginator). */
  private pages(endpointKey: string, extra: Partial<QueryCommandInput>, pageSize?: number) {
    return paginateQuery(
      { client: this.db, ...(pageSize !== undefined && { pageSize }) },
      { TableName: this.tableName, KeyConditionExpression: 'endpointKey = :key', ExpressionAttributeValues: { ':key': endpointKey }, ...extra },
    );
  }

  /** BatchWriteItem in chunks of 25, retrying unprocessed items with backoff. */
  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: WriteRequest[] | undefined = requests.slice(i, i + 25);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('DynamoDB left pending-event writes unprocessed after 8 retries');
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = out.UnprocessedItems?.[this.tableName] as WriteRequest[] | undefined;
      }
    }
  }
}
