/**
 * DynamoDB access for calls: GetItem and conditional status changes on the call id (a ringing call is
 * answered, declined, missed or cancelled exactly once), a Query on the byOwner index for an owner's
 * calls and on the sparse ringing index for calls past their deadline. Never a Scan.
 */
import { type DynamoDBDocumentClient, GetCommand, paginateQuery, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CALLS_BY_OWNER_INDEX, CALLS_RINGING_INDEX } from '../../../lib/tables.ts';
import type { CallStatus } from '../../../protocol/index.ts';
import { unlessConditionFails } from '../dynamoErrors.ts';
import { putIfAbsent } from '../putIfAbsent.ts';
import { type CallRecord, RINGING } from './records.ts';

/** How many of an owner's calls GET /calls reads at most to find what it lists. */
const MAX_SCANNED_CALLS = 500;

export class CallRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(callId: string): Promise<CallRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { callId }, ConsistentRead: true }));
    return out.Item as CallRecord | undefined;
  }

  insert(call: CallRecord): Promise<boolean> {
    return putIfAbsent(this.db, this.tableName, 'callId', { ...call });
  }

  /**
   * ringing -> `to`, once: only while the call is still ringing, and (`deadline`) before its deadline
   * (an answer, a decline, a hang-up) or after it (missed). The call after, or undefined if it had moved on.
   */
  async endRinging(callId: string, to: Exclude<CallStatus, 'ringing'>, nowMs: number, deadline: 'before' | 'after' | 'any'): Promise<CallRecord | undefined> {
    const timing = { before: ' AND ringUntilMs > :nowMs', after: ' AND ringUntilMs <= :nowMs', any: '' }[deadline];
    const out = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callId },
          UpdateExpression: 'SET #status = :to, endedRingingAt = :at REMOVE ringing',
          ConditionExpression: `#status = :ringing${timing}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': to,
            ':at': new Date(nowMs).toISOString(),
            ':ringing': 'ringing',
            ...(deadline !== 'any' && { ':nowMs': nowMs }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes as CallRecord | undefined;
  }

  /** An owner's calls newest first that `keep` accepts, at most `limit` (reading at most MAX_SCANNED_CALLS). */
  async listByOwner(ownerKey: string, limit: number, keep: (call: CallRecord) => boolean): Promise<CallRecord[]> {
    const found: CallRecord[] = [];
    let read = 0;
    const pages = paginateQuery(
      { client: this.db, pageSize: Math.min(100, Math.max(limit, 25)) },
      {
        TableName: this.tableName,
        IndexName: CALLS_BY_OWNER_INDEX,
        KeyConditionExpression: 'ownerKey = :owner',
        ExpressionAttributeValues: { ':owner': ownerKey },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) {
      const items = (page.Items ?? []) as CallRecord[];
      read += items.length;
      found.push(...items.filter(keep));
      if (found.length >= limit || read >= MAX_SCANNED_CALLS) break;
    }
    return found.slice(0, limit);
  }

  /** Ringing calls whose deadline passed by `nowMs`, oldest first (the sparse ringing index); `more` if there were more than `limit`. */
  async listOverdue(nowMs: number, limit: number): Promise<{ items: CallRecord[]; more: boolean }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: CALLS_RINGING_INDEX,
        KeyConditionExpression: 'ringing = :ringing AND ringUntilMs <= :now',
        ExpressionAttributeValues: { ':ringing': RINGING, ':now': nowMs },
        Limit: limit,
      }),
    );
    return { items: (out.Items ?? []) as CallRecord[], more: out.LastEvaluatedKey !== undefined };
  }
}
