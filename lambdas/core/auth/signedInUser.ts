/**
 * A signed-in user: the holder of an external issuer's token (an organisation's OpenID Connect
 * provider) with an organisation. User endpoints and call URLs belong to one.
 */
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import type { Principal } from './principal.ts';

export interface SignedInUser {
  userId: string;
  organizationId: string;
  /** `userKeyOf(organizationId, userId)`: how records name their owner. */
  userKey: string;
  /** What others see: the token's name claim, else the user id. */
  displayName: string;
}

/** An unambiguous key for (organisation, user). */
export const userKeyOf = (organizationId: string, userId: string): string => JSON.stringify([organizationId, userId]);

export const BEARER_REQUIRED = 'this request needs a bearer token (Authorization: Bearer <token>)';
export const NO_ORGANIZATION = 'this user token has no organisation claim';

/** The user behind a token, or 401 (none) / 403 (not a user's, or without an organisation); `what` names what belongs to users. */
export function signedInUser(principal: Principal | undefined, what: string): SignedInUser {
  if (!principal) throw new UnauthorizedError(BEARER_REQUIRED);
  if (principal.kind !== 'user') throw new ForbiddenError(`${what} belong to users: this takes a user token`);
  if (!principal.organizationId) throw new ForbiddenError(NO_ORGANIZATION);
  return {
    userId: principal.subject,
    organizationId: principal.organizationId,
    userKey: userKeyOf(principal.organizationId, principal.subject),
    displayName: principal.displayName ?? principal.subject,
  };
}
