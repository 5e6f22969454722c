/**
 * Who is signed in on this tab: a user token handed over in the URL (`#userToken=`, for applications
 * that embed the client), else the user of the deployment's OpenID Connect provider, kept current as
 * its token is renewed. A store for useSyncExternalStore.
 */
import type { ClientConfig } from '../config.ts';
import { ProviderSignIn } from './providerSignIn.ts';
import { forgetHandedUser, type HandedUser } from './userToken.ts';

export interface SignedInUser {
  /** The bearer token for the API (renewed ones replace it). */
  token: string;
  userId: string;
  /** What to call them: the token's name claim, else the user id. */
  name: string;
  /** Epoch seconds. */
  expiresAt: number;
  via: 'handed' | 'provider';
}

export class Account {
  private user: SignedInUser | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly provider: ProviderSignIn | undefined;

  constructor(config: ClientConfig, handed: HandedUser | undefined) {
    this.user = handed && { ...handed, name: handed.name ?? handed.userId, via: 'handed' };
    // a handed token wins: the embedding application decides who this is
    this.provider = config.signIn && !handed ? new ProviderSignIn(config.signIn) : undefined;
    this.provider?.onChange((user) => this.set(user && { ...user, name: user.name ?? user.userId, via: 'provider' }));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): SignedInUser | undefined => this.user;

  /** People can sign in here (a provider is configured). */
  get canSignIn(): boolean {
    return this.provider !== undefined;
  }

  /** Picks up a provider sign-in kept in this tab. */
  async restore(): Promise<void> {
    const user = await this.provider?.current();
    if (user) this.set({ ...user, name: user.name ?? user.userId, via: 'provider' });
  }

  signIn(returnTo = location.pathname + location.search): Promise<void> {
    if (!this.provider) return Promise.reject(new Error('sign-in is not configured'));
    return this.provider.signIn(returnTo);
  }

  /** At /auth/callback: finishes the sign-in; the path to go back to. */
  completeSignIn(): Promise<string> {
    if (!this.provider) return Promise.reject(new Error('sign-in is not configured'));
    return this.provider.completeSignIn();
  }

  async signOut(): Promise<void> {
    if (this.user?.via === 'handed') forgetHandedUser();
    else await this.provider?.signOut();
    this.set(undefined);
  }

  private set(user: SignedInUser | undefined): void {
    this.user = user;
    for (const listener of this.listeners) listener();
  }
}
