/**
 * The OAuth 2.0 client-credentials grant (RFC 6749 section 4.4) that turns a client id and secret into an access
 * token. Failed authentications are counted per client id in fixed windows; past the limit the
 * client id is refused (429) until the window ends, whatever secret is given.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { OAuthTokenResponse, Scope } from '../../../protocol/index.ts';
import { type Clock, epochSeconds } from '../clock.ts';
import { OAuthError, UnauthorizedError } from '../errors.ts';
import type { RoomTokens } from '../tokens/roomTokens.ts';
import type { ClientRecord, ClientRepository } from './clientRepository.ts';
import { DECOY_HASH, verifySecret } from './secretHash.ts';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes asked for; all of the client's scopes when absent. */
  scope?: string;
}

export interface RateLimit {
  maxFailures: number;
  windowSeconds: number;
}

export class ClientService {
  constructor(
    private readonly repo: ClientRepository,
    private readonly tokens: RoomTokens,
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The client-credentials grant: an access token, or an OAuthError as RFC 6749 section 5.2 says. */
  async issueToken(credentials: ClientCredentials, basicAuth: boolean): Promise<OAuthTokenResponse> {
    const { clientId } = credentials;
    const nowSeconds = epochSeconds(this.clock.nowMs());
    const windowStart = nowSeconds - (nowSeconds % this.limit.windowSeconds);
    const windowEnd = windowStart + this.limit.windowSeconds;
    if ((await this.repo.failures(clientId, windowStart)) >= this.limit.maxFailures) {
      throw new OAuthError('invalid_client', `too many failed attempts for this client; try again in ${windowEnd - nowSeconds} s`, 429, {
        'retry-after': String(windowEnd - nowSeconds),
      });
    }
    const client = await this.repo.get(clientId);
    // an unknown id costs the same scrypt as a known one
    const matches = await verifySecret(credentials.clientSecret, client?.secretHash ?? DECOY_HASH);
    if (!client || !matches || client.revokedAt) {
      await this.repo.addFailure(clientId, windowStart, windowEnd);
      this.logger.info('client authentication failed', { clientId, reason: !client ? 'unknown' : !matches ? 'secret' : 'revoked' });
      // RFC 6749 5.2: 401, and WWW-Authenticate naming the scheme the client tried
      throw new OAuthError('invalid_client', 'client authentication failed', 401, basicAuth ? { 'www-authenticate': 'Basic realm="video-rooms"' } : {});
    }
    const scopes = grantedScopes(client, credentials.scope);
    const { token, expiresIn } = await this.tokens.service(client.clientId, scopes, this.clock.nowMs());
    this.logger.info('client token issued', { clientId, scopes });
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
  }

  /** A service token stays good only while its client is not revoked: UnauthorizedError otherwise. */
  async assertActive(clientId: string): Promise<void> {
    const client = await this.repo.get(clientId);
    if (!client || client.revokedAt) throw new UnauthorizedError('this client has been revoked');
  }
}

function grantedScopes(client: ClientRecord, requested: string | undefined): Scope[] {
  if (requested === undefined || requested.trim() === '') return client.scopes;
  const asked = requested.split(' ').filter(Boolean);
  const refused = asked.filter((s) => !(client.scopes as string[]).includes(s));
  if (refused.length > 0) throw new OAuthError('invalid_scope', `scope not granted to this client: ${refused.join(' ')}`);
  return client.scopes.filter((s) => asked.includes(s));
}
