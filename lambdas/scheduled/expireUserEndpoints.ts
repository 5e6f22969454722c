/**
 * Scheduled (EventBridge in AWS, a timer locally): sends the keepalive reminders that are due, and
 * deletes user endpoints whose keepalive window closed, with their pending events. Readers already
 * treat an endpoint past its deadline as gone; this is the clean-up and the reminders' clock.
 */
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';

/** Rounds per run (each handles up to 25 reminders and 25 expiries per index shard). */
const MAX_ROUNDS = 10;

export const handler = async (): Promise<void> => {
  const { endpoints } = deps();
  let reminded = 0;
  let expired = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = await endpoints.sweep(25);
    reminded += result.reminded;
    expired += result.expired;
    if (!result.more) break;
  }
  logger.debug('endpoint sweep run', { reminded, expired });
};
