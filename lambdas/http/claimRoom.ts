/** PATCH /claimRoom {urlPath} -> 200 {roomId, token, peerId, expiresAt} | 400 missing urlPath | 404 Room not found */
import { claimRoomBodySchema, type RoomAccessResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: claimRoomBodySchema }, async ({ body }) => {
  const { rooms, warmPool, tokens, signaling } = deps();
  // A claim (or a miss) is the moment the pool may be short: top it up. Its failure never fails the claim.
  const topUp = () => warmPool.topUp().catch((error: unknown) => logger.error('warm pool top-up failed', { error: error as Error }));
  let claim;
  try {
    claim = await rooms.claimRoom(body.urlPath);
  } catch (error) {
    await topUp();
    throw error;
  }
  const [access] = await Promise.all([
    tokens.participant(claim.roomId),
    claim.fresh ? signaling.announceClaim(claim.room) : undefined,
    topUp(),
  ]);
  return { body: access satisfies RoomAccessResponse };
});
