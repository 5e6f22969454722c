/** DynamoDB access for service clients and the per-client failed-authentication counters. */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '../../../protocol/index.ts';
import { Counters } from '../counters.ts';
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
  private readonly counters: Counters;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableNames: { clients: string; counters: string },
  ) {
    this.counters = new Counters(db, tableNames.counters);
  }

  async get(clientId: string): Promise<ClientRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableNames.clients, Key: { clientId }, ConsistentRead: true }));
    return out.Item as ClientRecord | undefined;
  }

  /** False when the id is taken. */
  async insert(client: ClientRecord): Promise<boolean> {
    return putIfAbsent(this.db, this.tableNames.clients, 'clientId', { ...client });
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
  failures(clientId: string, windowStart: number): Promise<number> {
    return this.counters.get(failureKey(clientId, windowStart));
  }

  /** Counts one failed authentication (an atomic ADD); the item expires with its window. */
  addFailure(clientId: string, windowStart: number, expiresAt: number): Promise<void> {
    return this.counters.add(failureKey(clientId, windowStart), 1, expiresAt);
  }
}

const failureKey = (clientId: string, windowStart: number) => `oauthFailures#${clientId}#${windowStart}`;
