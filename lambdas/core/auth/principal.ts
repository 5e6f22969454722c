/** Who is calling: what a verified token says about its holder, whichever issuer minted it. */
import type { Scope, TokenVia } from '../../../protocol/index.ts';

export type Principal =
  /** A room participant (this deployment's participant token). */
  | { kind: 'participant'; subject: string; roomId: string; via: TokenVia }
  /** A room's SFU task. */
  | { kind: 'sfu'; subject: string; roomId: string }
  /** A service client of this deployment (OAuth 2.0 client credentials); `subject` is its client id. */
  | { kind: 'service'; subject: string; scopes: readonly Scope[] }
  /**
   * A caller with a token from an accepted external issuer (an organisation's OpenID Connect provider);
   * `displayName` from its `name`, `preferred_username` or `email` claim.
   */
  | { kind: 'user'; subject: string; issuer: string; scopes: readonly Scope[]; organizationId?: string; displayName?: string };

export type RoomPrincipal = Extract<Principal, { roomId: string }>;

export const hasScope = (principal: Principal | undefined, scope: Scope): boolean =>
  principal !== undefined && 'scopes' in principal && principal.scopes.includes(scope);

/** A service client or an external issuer's caller: someone who authenticated outside a room. */
export const isServiceCaller = (principal: Principal | undefined): principal is Extract<Principal, { scopes: readonly Scope[] }> =>
  principal?.kind === 'service' || principal?.kind === 'user';
