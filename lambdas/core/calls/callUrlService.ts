/**
 * Call URLs (Mozilla Loop's): a signed-in user makes a link valid for a while and gives it to someone;
 * whoever holds it sees whom it calls and can call (callService.ts). The owner lists and revokes them.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CallUrlListResponse, CallUrlResponse, CreateCallUrlBody, CreateCallUrlResponse } from '../../../protocol/index.ts';
import type { Principal } from '../auth/principal.ts';
import { signedInUser } from '../auth/signedInUser.ts';
import { type Clock, epochSeconds, isoAt } from '../clock.ts';
import { ForbiddenError, GoneError, NotFoundError } from '../errors.ts';
import { newLinkId } from '../linkId.ts';
import type { CallUrlRepository } from './callUrlRepository.ts';
import { type CallUrlRecord, isGone } from './records.ts';

export const CALL_URL_NOT_FOUND = 'Call link not found';
export const CALL_URL_EXPIRED = 'This call link has expired';
export const CALL_URL_REVOKED = 'This call link was revoked by its owner';
const OWNERS = 'call URLs';
const LISTED_CALL_URLS = 100;

export class CallUrlService {
  constructor(
    private readonly repo: CallUrlRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** POST /call-url: a link to `siteUrl`/c/<token> that rings the caller's user for `valid_duration` seconds. */
  async create(principal: Principal | undefined, body: CreateCallUrlBody, siteUrl: string): Promise<CreateCallUrlResponse> {
    const owner = signedInUser(principal, OWNERS);
    const nowMs = this.clock.nowMs();
    const record: CallUrlRecord = {
      callToken: newLinkId(),
      ownerKey: owner.userKey,
      ownerId: owner.userId,
      organizationId: owner.organizationId,
      ownerName: owner.displayName,
      remoteId: body.remote_id,
      createdAt: isoAt(nowMs),
      expiresAt: epochSeconds(nowMs) + body.valid_duration,
    };
    if (!(await this.repo.insert(record))) throw new Error('call token collision');
    this.logger.info('call URL created', { callToken: record.callToken, userId: owner.userId, organizationId: owner.organizationId, expiresAt: record.expiresAt });
    return summary(record, siteUrl);
  }

  /** GET /call-url: the caller's links that still call, newest first. */
  async list(principal: Principal | undefined, siteUrl: string): Promise<CallUrlListResponse> {
    const owner = signedInUser(principal, OWNERS);
    const records = await this.repo.listLive(owner.userKey, epochSeconds(this.clock.nowMs()), LISTED_CALL_URLS);
    return { callUrls: records.map((r) => ({ ...summary(r, siteUrl), remoteId: r.remoteId, createdAt: r.createdAt })) };
  }

  /** DELETE /call-url/{token}: the link calls no more (a call ringing from it rings on). Revoking twice is fine. */
  async revoke(principal: Principal | undefined, callToken: string): Promise<void> {
    const owner = signedInUser(principal, OWNERS);
    const nowMs = this.clock.nowMs();
    if (await this.repo.revoke(callToken, owner.userKey, isoAt(nowMs))) {
      this.logger.info('call URL revoked', { callToken, userId: owner.userId });
      return;
    }
    const record = await this.repo.get(callToken);
    if (!record || isGone(record, nowMs)) throw new NotFoundError(CALL_URL_NOT_FOUND);
    if (record.ownerKey !== owner.userKey) throw new ForbiddenError('this call link belongs to another user');
    // revoked already: nothing to do
  }

  /** GET /calls/{token}: whom the link calls and whether it still does (404 for an unknown one). */
  async describe(callToken: string): Promise<CallUrlResponse> {
    const record = await this.repo.get(callToken);
    if (!record) throw new NotFoundError(CALL_URL_NOT_FOUND);
    const reason = this.invalidity(record);
    return {
      callToken,
      callee: record.ownerName,
      remoteId: record.remoteId,
      expiresAt: isoAt(record.expiresAt * 1000),
      valid: reason === undefined,
      ...(reason !== undefined && { reason }),
    };
  }

  /** The link a call is placed on, if it still calls: 404 unknown, 410 expired or revoked. */
  async callable(callToken: string): Promise<CallUrlRecord> {
    const record = await this.repo.get(callToken);
    if (!record) throw new NotFoundError(CALL_URL_NOT_FOUND);
    this.assertCalls(record);
    return record;
  }

  /** 410 unless the link still calls. */
  assertCalls(record: CallUrlRecord): void {
    const reason = this.invalidity(record);
    if (reason === 'expired') throw new GoneError(CALL_URL_EXPIRED);
    if (reason === 'revoked') throw new GoneError(CALL_URL_REVOKED);
  }

  private invalidity(record: CallUrlRecord): CallUrlResponse['reason'] {
    if (record.revokedAt !== undefined) return 'revoked';
    if (isGone(record, this.clock.nowMs())) return 'expired';
    return undefined;
  }
}

function summary(record: CallUrlRecord, siteUrl: string): CreateCallUrlResponse {
  return { callUrl: `${siteUrl}/c/${record.callToken}`, callToken: record.callToken, expiresAt: isoAt(record.expiresAt * 1000) };
}
