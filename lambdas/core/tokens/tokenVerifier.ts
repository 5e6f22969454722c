/**
 * Verifies this deployment's tokens with aws-jwt-verify (signature against the cached JWKS, issuer,
 * audience, expiry) and checks the claims' shape. Its built-in JWKS fetcher speaks https only, so it
 * gets one on fetch(), which also reaches the local stack's http issuer.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { z } from 'zod';
import { TOKEN_AUDIENCE, TOKEN_ROLES, type RoomTokenClaims } from '../../../protocol/index.ts';

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  room: z.string().min(1),
  role: z.enum(TOKEN_ROLES),
});

const httpFetcher = {
  fetch: async (uri: string): Promise<ArrayBuffer> => {
    const res = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`JWKS fetch ${uri} answered ${res.status}`);
    return res.arrayBuffer();
  },
};

export class TokenVerifier {
  private readonly verifier;

  constructor(issuer: string, jwksUri: string) {
    this.verifier = JwtVerifier.create(
      { issuer, audience: TOKEN_AUDIENCE, jwksUri },
      { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
    );
  }

  /** The token's grants; InvalidTokenError when missing, forged, expired, for another audience or malformed. */
  async verify(token: string | undefined | null): Promise<RoomTokenClaims> {
    if (!token) throw new InvalidTokenError('missing token');
    let payload: unknown;
    try {
      payload = await this.verifier.verify(token);
    } catch (error) {
      throw new InvalidTokenError(`invalid token: ${(error as Error).message}`);
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('invalid token: claims sub, room and role are required');
    return claims.data;
  }
}
