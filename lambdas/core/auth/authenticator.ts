/**
 * The HTTP API's bearer authentication: `Authorization: Bearer <jwt>` -> a Principal. No header is an
 * anonymous caller (undefined); a bad token is 401. A service client's token works only while the
 * client is not revoked (one GetItem), so revoking takes effect at once.
 */
import { UnauthorizedError } from '../errors.ts';
import { InvalidTokenError, type TokenVerifier } from '../tokens/tokenVerifier.ts';
import type { ClientService } from './clientService.ts';
import type { Principal } from './principal.ts';

export class Authenticator {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly clients: ClientService,
  ) {}

  /** The caller behind an Authorization header value; undefined without one. */
  async principal(authorization: string | undefined): Promise<Principal | undefined> {
    if (authorization === undefined || authorization.trim() === '') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) throw bearerError('the Authorization header must be "Bearer <token>"');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw bearerError(error.message);
      throw error;
    }
    if (principal.kind === 'service') await this.clients.assertActive(principal.subject);
    return principal;
  }

  /** The caller, or 401 when there is none. */
  async require(authorization: string | undefined): Promise<Principal> {
    const principal = await this.principal(authorization);
    if (!principal) throw bearerError('this request needs a bearer token (Authorization: Bearer <token>)');
    return principal;
  }
}

function bearerError(message: string): UnauthorizedError {
  const error = new UnauthorizedError(message);
  error.headers['www-authenticate'] = 'Bearer realm="video-rooms", error="invalid_token"';
  return error;
}
