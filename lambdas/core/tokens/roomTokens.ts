/** Mints this deployment's tokens: a participant's (short-lived), a room SFU's, and a service client's. */
import { randomUUID } from 'node:crypto';
import type { RoomAccessResponse, Scope, TokenVia } from '../../../protocol/index.ts';
import type { LambdaConfig } from '../config.ts';
import type { TokenSigner } from './tokenSigner.ts';

export class RoomTokens {
  constructor(
    readonly signer: TokenSigner,
    private readonly settings: LambdaConfig['tokens'],
  ) {}

  /** A token for a participant of `roomId`, bound to `peerId` (a fresh one by default). */
  async participant(roomId: string, options: { via: TokenVia; peerId?: string; nowMs?: number }): Promise<RoomAccessResponse> {
    const nowMs = options.nowMs ?? Date.now();
    const peerId = options.peerId ?? randomUUID();
    const token = await this.signer.sign(
      { sub: peerId, room: roomId, role: 'participant', via: options.via },
      this.settings.participantSeconds,
      nowMs,
    );
    return { roomId, token, peerId, expiresAt: Math.floor(nowMs / 1000) + this.settings.participantSeconds };
  }

  /** The token an SFU task connects with: role sfu, its room, its SFU id. */
  sfu(roomId: string, sfuId: string, nowMs = Date.now()): Promise<string> {
    return this.signer.sign({ sub: sfuId, room: roomId, role: 'sfu' }, this.settings.sfuSeconds, nowMs);
  }

  /** A service client's access token with the granted scopes. */
  async service(clientId: string, scopes: readonly Scope[], nowMs = Date.now()): Promise<{ token: string; expiresIn: number }> {
    const token = await this.signer.sign({ sub: clientId, role: 'service', scope: scopes.join(' ') }, this.settings.serviceSeconds, nowMs);
    return { token, expiresIn: this.settings.serviceSeconds };
  }
}
