/**
 * POST /calls/{token} {displayName?} by whoever holds the link -> 201 {callId, status: ringing, roomId,
 * token, peerId, ...}: the owner's endpoints ring | 400 | 404 | 409 already ringing | 410 expired or
 * revoked | 429 room cap | 503 no room ready yet (one is starting; Retry-After)
 */
import { type PlaceCallResponse, callTokenPathSchema, placeCallBodySchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';

export const handler = httpHandler({ path: callTokenPathSchema, body: placeCallBodySchema }, async ({ path, body }) => ({
  statusCode: 201,
  body: (await deps().calls.place(path.token, body)) satisfies PlaceCallResponse,
}));
