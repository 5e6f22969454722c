/** DynamoDB access for service clients and the per-client failed-authentication counters. */
import { type DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '../../../protocol/index.ts';
import { isConditionFailure } from '../dynamoErrors.ts';
import { putIfAbsent } from '../putIfAbsent.ts';

export interface ClientRecord {
  clientId: string;
  name: string;
  scopes: Scope[];
  /** scrypt hash of the secret (secretHash.ts); the secret itself is never stored. */
  secretHash: string;
  createdAt: string;
  /** ISO-8601 instant it was revoked; a revoked client gets no token and its tokens stop working. */
  revokedAt?: string;
}

export class ClientRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableNames: { clients: string; counters: string },
  ) {}

  async get(clientId: string): Promise<ClientRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableNames.clients, Key: { clientId }, ConsistentRead: true }));
    return out.Item as ClientRecord | undefined;
  }

  /** False when the id is taken. */
  async insert(client: ClientRecord): Promise<boolean> {
    return putIfAbsent(this.db, this.tableNames.clients, 'clientId', { ...client });
  }


  /** Every client, for the management command (an administrator's listing, never a request path). */
  async list(): Promise<ClientRecord[]> {
    const items: ClientRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(new ScanCommand({ TableName: this.tableNames.clients, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as ClientRecord[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Marks a client revoked; false when there is no such client or it was revoked already. */
  async revoke(clientId: string, nowIso: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableNames.clients,
          Key: { clientId },
          UpdateExpression: 'SET revokedAt = :now',
          ConditionExpression: 'attribute_exists(clientId) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':now': nowIso },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Failed authentications of a client id in the window starting at `windowStart` (epoch seconds). */
  async failures(clientId: string, windowStart: number): Promise<number> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableNames.counters, Key: { name: failureKey(clientId, windowStart) }, ConsistentRead: true }),
    );
    return (out.Item?.count as number | undefined) ?? 0;
  }

  /** Counts one failed authentication (an atomic ADD); the item expires with its window. */
  async addFailure(clientId: string, windowStart: number, expiresAt: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableNames.counters,
        Key: { name: failureKey(clientId, windowStart) },
        UpdateExpression: 'ADD #count :one SET expiresAt = :exp',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':exp': expiresAt },
      }),
    );
  }
}

const failureKey = (clientId: string, windowStart: number) => `oauthFailures#${clientId}#${windowStart}`;
