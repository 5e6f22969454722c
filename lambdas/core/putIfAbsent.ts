/** The conditional insert every repository needs: write an item only if its key is free. */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './dynamoErrors.ts';

/** True when the item was written; false when an item with that partition key exists already. */
export async function putIfAbsent(db: DynamoDBDocumentClient, tableName: string, keyName: string, item: Record<string, unknown>): Promise<boolean> {
  try {
    await db.send(
      new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': keyName } }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
