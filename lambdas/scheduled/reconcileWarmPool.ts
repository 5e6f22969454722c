/**
 * Scheduled (EventBridge in AWS, a timer locally): top up the warm pool, close rooms that never
 * started, close rooms whose SFU dropped its connection and did not come back in time, and let
 * clients whose connection dropped and did not come back leave their rooms.
 */
import { LIVE_CONNECTIONS_METRIC, METRICS_NAMESPACE } from '../../lib/metrics.ts';
import { deps } from '../core/deps.ts';
import { LIVE_CONNECTIONS_COUNTER } from '../core/rooms/roomRepository.ts';
import { logger } from '../core/logger.ts';

export const handler = async (): Promise<void> => {
  const { warmPool, signaling, config } = deps();
  const abandoned = await signaling.closeAbandonedRooms(config.rooms.sfuReconnectGraceSeconds, config.rooms.maxRooms);
  const leftPeers = await signaling.leaveLostPeers(config.rooms.clientReconnectGraceSeconds);
  const result = await warmPool.reconcile();
  logger.debug('reconcile', { ...result, abandoned, leftPeers });
  // the dashboard's open-connections gauge, as an Embedded Metric Format line (no SDK call)
  const live = Math.max(0, await deps().roomRepository.counter(LIVE_CONNECTIONS_COUNTER));
  process.stdout.write(
    `${JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [[]], Metrics: [{ Name: LIVE_CONNECTIONS_METRIC, Unit: 'Count' }] }],
      },
      [LIVE_CONNECTIONS_METRIC]: live,
    })}\n`,
  );
};
