/** PATCH /claimRoom {urlPath} -> 200 {roomId, token, peerId, expiresAt} | 400 missing urlPath | 404 Room not found */
import { claimRoomBodySchema, type RoomAccessResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: claimRoomBodySchema }, async ({ body }) => {
  const { rooms, warmPool, tokens, signaling } = deps();
  try {
    const { roomId, fresh } = await rooms.claimRoom(body.urlPath);
    if (fresh) await signaling.announceClaim(roomId);
    return { body: (await tokens.participant(roomId)) satisfies RoomAccessResponse };
  } finally {
    // A claim (or a miss) is the moment the pool may be short: top it up. Its failure never fails the claim.
    await warmPool.topUp().catch((error: unknown) => logger.error('warm pool reconcile failed', { error: error as Error }));
  }
});
