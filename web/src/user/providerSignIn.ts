/**
 * Sign-in with the deployment's OpenID Connect provider (config.json `signIn`): the authorization code
 * flow with PKCE, done by oidc-client-ts. The user's ID token is the bearer token for this API (its
 * audience is this client, it is a JWT at every provider, Cognito included); it is renewed before it
 * expires (a refresh token where the provider gives one, else a hidden frame at /auth/silent).
 */
import { type User, UserManager } from 'oidc-client-ts';
import type { SignInConfig } from '../../../protocol/index.ts';
import { SIGN_IN_CALLBACK_PATH as CALLBACK_PATH, SIGN_IN_SILENT_PATH as SILENT_PATH } from '../../../protocol/signInPaths.ts';

export { CALLBACK_PATH, SILENT_PATH };

export interface ProviderUser {
  /** The ID token: what the API is called with. */
  token: string;
  userId: string;
  name: string | undefined;
  /** Epoch seconds the token expires at. */
  expiresAt: number;
}

export class ProviderSignIn {
  private readonly manager: UserManager;

  constructor(config: SignInConfig) {
    this.manager = new UserManager({
      authority: config.issuer,
      client_id: config.clientId,
      scope: config.scope,
      response_type: 'code',
      redirect_uri: `${location.origin}${CALLBACK_PATH}`,
      silent_redirect_uri: `${location.origin}${SILENT_PATH}`,
      post_logout_redirect_uri: `${location.origin}/`,
      automaticSilentRenew: true,
    });
  }

  /** Called on every change of the signed-in user (sign-in, renewal, sign-out, a renewal that failed). */
  onChange(listener: (user: ProviderUser | undefined) => void): () => void {
    const loaded = (user: User) => listener(providerUser(user));
    const gone = () => listener(undefined);
    const offs = [this.manager.events.addUserLoaded(loaded), this.manager.events.addUserUnloaded(gone), this.manager.events.addAccessTokenExpired(gone)];
    return () => offs.forEach((off) => off());
  }

  /** The signed-in user kept in this tab, renewed first if its token has expired; undefined if none. */
  async current(): Promise<ProviderUser | undefined> {
    const user = await this.manager.getUser();
    if (!user) return undefined;
    if (!user.expired) return providerUser(user);
    try {
      const renewed = await this.manager.signinSilent();
      return renewed ? providerUser(renewed) : undefined;
    } catch {
      await this.manager.removeUser();
      return undefined;
    }
  }

  /** Goes to the provider's sign-in page; back at `returnTo` afterwards. */
  signIn(returnTo: string): Promise<void> {
    return this.manager.signinRedirect({ state: { returnTo } });
  }

  /** The provider's answer at /auth/callback (or /auth/silent in the hidden frame); where to go back to. */
  async completeSignIn(): Promise<string> {
    const user = await this.manager.signinCallback();
    const returnTo = (user?.state as { returnTo?: unknown } | undefined)?.returnTo;
    return typeof returnTo === 'string' && returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  }

  /** Signs out at the provider too where it offers that (an end-session endpoint); else forgets the tokens here and revokes them. */
  async signOut(): Promise<void> {
    const user = await this.manager.getUser();
    const endSession = await this.manager.metadataService.getEndSessionEndpoint().catch(() => undefined);
    if (endSession) return this.manager.signoutRedirect({ ...(user?.id_token && { id_token_hint: user.id_token }) });
    await this.manager.revokeTokens().catch(() => undefined);
    await this.manager.removeUser();
  }
}

function providerUser(user: User): ProviderUser | undefined {
  if (!user.id_token) return undefined;
  const profile = user.profile;
  const name = [profile.name, profile.preferred_username, profile.email].find((v): v is string => typeof v === 'string' && v !== '');
  return { token: user.id_token, userId: profile.sub, name, expiresAt: profile.exp };
}
