/**
 * Scheduled (EventBridge in AWS, a timer locally): ringing calls nobody answered in time become missed,
 * their rooms close (the caller is told) and the owner's tabs stop ringing. Readers already treat such
 * a call as missed; this writes it down and frees its room.
 */
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';

/** Rounds per run (each handles up to 25 calls). */
const MAX_ROUNDS = 10;

export const handler = async (): Promise<void> => {
  const { calls } = deps();
  let missed = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = await calls.missUnanswered(25);
    missed += result.missed;
    if (!result.more) break;
  }
  logger.debug('missed-call sweep run', { missed });
};
