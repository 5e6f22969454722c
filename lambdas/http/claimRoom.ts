/**
 * PATCH /claimRoom {urlPath} -> 200 {roomId, token, peerId, expiresAt, creator?} | 400 missing urlPath
 * | 404 Room not found | 403 for an anonymous caller when the bound room admits ticket holders only.
 */
import { randomUUID } from 'node:crypto';
import { claimRoomBodySchema, type RoomAccessResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ body: claimRoomBodySchema, auth: true }, async ({ body, principal }) => {
  const { rooms, warmPool, tokens, signaling } = deps();
  // A claim (or a miss) is the moment the pool may be short: top it up. Its failure never fails the claim.
  const topUp = () => warmPool.topUp().catch((error: unknown) => logger.error('warm pool top-up failed', { error: error as Error }));
  // the peer id the caller gets: if this claim binds the path, the room records it as its creator
  const peerId = randomUUID();
  let claim;
  try {
    claim = await rooms.claimRoom(body.urlPath, peerId);
  } catch (error) {
    await topUp();
    throw error;
  }
  const via = rooms.admission(claim.fresh ? 'open' : claim.room.access, principal);
  const [access] = await Promise.all([
    tokens.participant(claim.roomId, { via, peerId }),
    claim.fresh ? signaling.announceClaim(claim.room) : undefined,
    topUp(),
  ]);
  return { body: { ...access, ...(claim.fresh && { creator: true }) } satisfies RoomAccessResponse };
});
