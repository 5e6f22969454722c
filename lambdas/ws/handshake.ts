/** handshake: SDP and ICE candidates relayed client -> its room's SFU, SFU -> `receiver`. */
import { handshakeDataSchema } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { wsHandler } from './wsHandler.ts';

export const handler = wsHandler('handshake', handshakeDataSchema, async ({ connectionId, data }) => {
  await deps().signaling.handshake(connectionId, data);
});
