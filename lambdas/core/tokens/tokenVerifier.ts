/**
 * Verifies bearer tokens with aws-jwt-verify (signature against the issuer's cached JWKS, issuer,
 * audience, expiry) and turns their claims into a Principal. This deployment's own tokens carry a
 * role (participant, sfu, service); tokens of configured external issuers map to `user` principals
 * with the scopes the configuration and their `scope`/`scp` claim give. aws-jwt-verify's built-in JWKS
 * fetcher speaks https only, so it gets one on fetch(), which also reaches the local stack's http issuer.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { z } from 'zod';
import { SCOPES, type Scope, TOKEN_AUDIENCE, TOKEN_VIAS } from '../../../protocol/index.ts';
import type { Principal } from '../auth/principal.ts';
import type { ExternalIssuer } from '../config.ts';

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

const ownClaimsSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('participant'), sub: z.string().min(1), room: z.string().min(1), via: z.enum(TOKEN_VIAS).optional() }),
  z.object({ role: z.literal('sfu'), sub: z.string().min(1), room: z.string().min(1) }),
  z.object({ role: z.literal('service'), sub: z.string().min(1), scope: z.string() }),
]);

const externalClaimsSchema = z.object({
  sub: z.string().min(1),
  scope: z.string().optional(),
  scp: z.union([z.string(), z.array(z.string())]).optional(),
  name: z.string().optional().catch(undefined),
  preferred_username: z.string().optional().catch(undefined),
  email: z.string().optional().catch(undefined),
});

const httpFetcher = {
  fetch: async (uri: string): Promise<ArrayBuffer> => {
    const res = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`JWKS fetch ${uri} answered ${res.status}`);
    return res.arrayBuffer();
  },
};

/** The known scopes among a space-separated (or listed) scope claim. */
export function knownScopes(claim: string | readonly string[] | undefined): Scope[] {
  const words = typeof claim === 'string' ? claim.split(' ') : (claim ?? []);
  return SCOPES.filter((scope) => words.includes(scope));
}

export class TokenVerifier {
  private readonly verifier;
  private readonly external: Map<string, ExternalIssuer>;

  constructor(
    private readonly issuer: string,
    jwksUri: string,
    externalIssuers: readonly ExternalIssuer[] = [],
  ) {
    this.external = new Map(externalIssuers.map((e) => [e.issuer, e]));
    this.verifier = JwtVerifier.create(
      [
        { issuer, audience: TOKEN_AUDIENCE, jwksUri },
        ...externalIssuers.map((e) => ({ issuer: e.issuer, audience: e.audience, jwksUri: e.jwksUri })),
      ],
      { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
    );
  }

  /** The token's holder; InvalidTokenError when missing, forged, expired, for another audience or issuer, or malformed. */
  async verify(token: string | undefined | null): Promise<Principal> {
    if (!token) throw new InvalidTokenError('missing token');
    let payload: Record<string, unknown>;
    try {
      payload = (await this.verifier.verify(token)) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidTokenError(`invalid token: ${(error as Error).message}`);
    }
    const external = payload.iss === this.issuer ? undefined : this.external.get(String(payload.iss));
    if (external) return externalPrincipal(external, payload);
    const claims = ownClaimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('invalid token: claims sub and role (with room or scope) are required');
    const c = claims.data;
    switch (c.role) {
      case 'participant':
        return { kind: 'participant', subject: c.sub, roomId: c.room, via: c.via ?? 'url' };
      case 'sfu':
        return { kind: 'sfu', subject: c.sub, roomId: c.room };
      case 'service':
        return { kind: 'service', subject: c.sub, scopes: knownScopes(c.scope) };
    }
  }
}

function externalPrincipal(issuer: ExternalIssuer, payload: Record<string, unknown>): Principal {
  const claims = externalClaimsSchema.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('invalid token: claim sub is required');
  const claimed = payload[issuer.organizationClaim];
  const organization = typeof claimed === 'string' && claimed !== '' ? claimed : issuer.organization;
  const scopes = new Set<Scope>([...issuer.scopes, ...knownScopes(claims.data.scope), ...knownScopes(claims.data.scp)]);
  const { name, preferred_username: username, email } = claims.data;
  const displayName = [name, username, email].map((v) => v?.trim().slice(0, 64)).find((v) => v !== undefined && v !== '');
  return {
    kind: 'user',
    subject: claims.data.sub,
    issuer: issuer.issuer,
    scopes: SCOPES.filter((s) => scopes.has(s)),
    ...(organization !== undefined && { organizationId: organization }),
    ...(displayName !== undefined && { displayName }),
  };
}
