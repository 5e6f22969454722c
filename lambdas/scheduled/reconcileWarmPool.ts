/**
 * Scheduled (EventBridge in AWS, a timer locally): top up the warm pool, close rooms that never
 * started, close rooms whose SFU dropped its connection and did not come back in time, and let
 * clients whose connection dropped and did not come back leave their rooms.
 */
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';

export const handler = async (): Promise<void> => {
  const { warmPool, signaling, config } = deps();
  const abandoned = await signaling.closeAbandonedRooms(config.rooms.sfuReconnectGraceSeconds, config.rooms.maxRooms);
  const leftPeers = await signaling.leaveLostPeers(config.rooms.clientReconnectGraceSeconds);
  const result = await warmPool.reconcile();
  logger.debug('reconcile', { ...result, abandoned, leftPeers });
};
