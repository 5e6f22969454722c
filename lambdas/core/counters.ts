/** Named counters in the counters table: read one, or add to it atomically (ADD), optionally expiring. */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

export class Counters {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(name: string): Promise<number> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { name }, ConsistentRead: true }));
    return (out.Item?.count as number | undefined) ?? 0;
  }

  /** Adds `delta`; with `expiresAt` (epoch seconds) the item also gets that TTL. */
  async add(name: string, delta: number, expiresAt?: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { name },
        UpdateExpression: expiresAt === undefined ? 'ADD #count :delta' : 'ADD #count :delta SET expiresAt = :exp',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':delta': delta, ...(expiresAt !== undefined && { ':exp': expiresAt }) },
      }),
    );
  }
}
