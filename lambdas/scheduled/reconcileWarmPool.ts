/** Scheduled (EventBridge in AWS, a timer locally): top up the warm pool, close rooms that never started. */
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';

export const handler = async (): Promise<void> => {
  const result = await deps().warmPool.reconcile();
  logger.debug('reconcile', { ...result });
};
