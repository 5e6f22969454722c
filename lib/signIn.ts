/**
 * The `signIn` setting as the stacks apply it: which token issuers the API trusts (EXTERNAL_ISSUERS)
 * and what the web client's config.json says about signing in.
 */
import { DEFAULT_SIGN_IN_SCOPE, type SignInConfig } from '../protocol/index.ts';
import type { Settings } from './settings.ts';

/** The user pool a `signIn: cognito` deployment creates (SignInStack). */
export interface CognitoSignIn {
  /** https://cognito-idp.<region>.amazonaws.com/<poolId> */
  readonly issuer: string;
  /** The organisation of every user of the pool (its tokens carry no organisation claim). */
  readonly organization: string;
}

/** Scopes of Cognito's app client (Cognito has no offline_access: it gives refresh tokens anyway). */
export const COGNITO_SCOPE = 'openid email profile';

/** An EXTERNAL_ISSUERS entry as lambdas/core/config.ts reads it. */
export type TrustedIssuer = Omit<Settings['externalIssuers'][number], 'audience'> & {
  audience: string | string[] | null;
  organization?: string;
};

/**
 * externalIssuers, plus the sign-in provider: an existing one with its client id as audience (unless
 * externalIssuers lists it already), or the deployment's own Cognito pool, whose every client is this
 * deployment's (so any audience: the pool cannot issue tokens for anyone else).
 */
export function trustedIssuers(settings: Settings, cognito: CognitoSignIn | undefined): TrustedIssuer[] {
  const trusted: TrustedIssuer[] = [...settings.externalIssuers];
  const { signIn } = settings;
  if (signIn === 'cognito') {
    if (!cognito) throw new Error('signIn=cognito needs the SignIn stack\'s user pool');
    trusted.push({ issuer: cognito.issuer, audience: null, jwksUri: `${cognito.issuer}/.well-known/jwks.json`, organization: cognito.organization });
  } else if (signIn !== '' && !trusted.some((t) => t.issuer === signIn.issuer)) {
    trusted.push({
      issuer: signIn.issuer,
      audience: signIn.clientId,
      jwksUri: signIn.jwksUri,
      ...(signIn.organizationClaim && { organizationClaim: signIn.organizationClaim }),
      ...(signIn.organization && { organization: signIn.organization }),
    });
  }
  return trusted;
}

/** config.json's `signIn` for an existing provider (Cognito's comes from the Web stack's app client). */
export function providerSignInConfig(settings: Settings): SignInConfig | undefined {
  const { signIn } = settings;
  if (signIn === '' || signIn === 'cognito') return undefined;
  return { issuer: signIn.issuer, clientId: signIn.clientId, scope: signIn.scope ?? DEFAULT_SIGN_IN_SCOPE };
}
