/**
 * EventBridge rule on the SFU cluster's ECS Task State Change events with `lastStatus: STOPPED` (in
 * AWS; locally the ECS stand-in delivers the same event when a task process exits): the stopped
 * task's room closes at once and its clients are told (RoomClosedEvent, cause `server-gone`), so
 * that they rejoin instead of sitting in a frozen call through the SFU reconnect grace. A malformed
 * event is logged and dropped (a retry would not mend it); a task whose room is already closed, or
 * that is not a room's, changes nothing.
 */
import { taskStateChangeEventSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';

export const handler = async (event: unknown): Promise<void> => {
  const parsed = taskStateChangeEventSchema.safeParse(event);
  if (!parsed.success) {
    logger.warn('ignored a malformed task state change event', { reason: parsed.error.issues[0]?.message });
    return;
  }
  const { taskArn, lastStatus, startedBy, stoppedReason } = parsed.data.detail;
  if (lastStatus !== 'STOPPED') return;
  const closed = await deps().signaling.closeRoomOfStoppedTask(taskArn, startedBy, stoppedReason);
  logger.info('task stopped', { taskArn, startedBy, stoppedReason, closedRoom: closed });
};
