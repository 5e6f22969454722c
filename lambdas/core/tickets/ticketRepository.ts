/** DynamoDB access for share tickets; a use is counted with one conditional update. */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../dynamoErrors.ts';
import { putIfAbsent } from '../putIfAbsent.ts';

export interface TicketRecord {
  ticketId: string;
  roomId: string;
  urlPath: string;
  createdAt: string;
  /** Epoch seconds it stops opening the room (also the TTL attribute). */
  expiresAt: number;
  maxUses?: number;
  uses: number;
  /** Who made it: `participant:<peerId>`, `service:<clientId>`, `user:<sub>`. */
  createdBy: string;
}

export type RedeemOutcome = { ok: true; ticket: TicketRecord } | { ok: false; ticket: TicketRecord | undefined };

export class TicketRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ticketId: string): Promise<TicketRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { ticketId }, ConsistentRead: true }));
    return out.Item as TicketRecord | undefined;
  }

  /** False when the id is taken (never in practice: 96 random bits). */
  async insert(ticket: TicketRecord): Promise<boolean> {
    return putIfAbsent(this.db, this.tableName, 'ticketId', { ...ticket });
  }


  /**
   * Counts one use if the ticket exists, has not expired and has uses left: one conditional update,
   * so under any number of concurrent redeems exactly `maxUses` succeed.
   */
  async redeem(ticketId: string, nowSeconds: number): Promise<RedeemOutcome> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { ticketId },
          UpdateExpression: 'ADD uses :one',
          ConditionExpression: 'attribute_exists(ticketId) AND expiresAt > :now AND (attribute_not_exists(maxUses) OR uses < maxUses)',
          ExpressionAttributeValues: { ':one': 1, ':now': nowSeconds },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, ticket: out.Attributes as TicketRecord };
    } catch (error) {
      if (isConditionFailure(error)) return { ok: false, ticket: await this.get(ticketId) };
      throw error;
    }
  }
}
