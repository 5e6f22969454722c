/** Reading DynamoDB's answers to conditional writes and transactions, in one place. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** The per-item reason codes of a cancelled transaction (undefined if `error` is not one). */
export function cancellationReasons(error: unknown): (string | undefined)[] | undefined {
  if (error instanceof TransactionCanceledException || (error as Error)?.name === 'TransactionCanceledException') {
    return ((error as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code);
  }
  return undefined;
}

export function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

/** For `.catch()` of a write whose failed condition means "nothing to do". */
export function ignoreConditionFailure(error: unknown): void {
  if (!isConditionFailure(error)) throw error;
}

/** A conditional write's result, or undefined when its condition failed (someone else got there first). */
export async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}
