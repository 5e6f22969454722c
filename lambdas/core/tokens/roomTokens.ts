/** Mints the two kinds of room token: a participant's (short-lived) and a room SFU's. */
import { randomUUID } from 'node:crypto';
import type { RoomAccessResponse } from '../../../protocol/index.ts';
import type { LambdaConfig } from '../config.ts';
import type { TokenSigner } from './tokenSigner.ts';

export class RoomTokens {
  constructor(
    readonly signer: TokenSigner,
    private readonly settings: LambdaConfig['tokens'],
  ) {}

  /** A token for a new participant of `roomId`, bound to a fresh peer id. */
  async participant(roomId: string, nowMs = Date.now()): Promise<RoomAccessResponse> {
    const peerId = randomUUID();
    const token = await this.signer.sign({ sub: peerId, room: roomId, role: 'participant' }, this.settings.participantSeconds, nowMs);
    return { roomId, token, peerId, expiresAt: Math.floor(nowMs / 1000) + this.settings.participantSeconds };
  }

  /** The token an SFU task connects with: role sfu, its room, its SFU id. */
  sfu(roomId: string, sfuId: string, nowMs = Date.now()): Promise<string> {
    return this.signer.sign({ sub: sfuId, room: roomId, role: 'sfu' }, this.settings.sfuSeconds, nowMs);
  }
}
