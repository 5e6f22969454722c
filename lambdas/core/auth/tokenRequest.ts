/**
 * Reads an OAuth 2.0 token request (RFC 6749 sections 2.3.1, 4.4.2): a form body with grant_type and
 * the client's credentials, in the body or in HTTP Basic (one method, not both). Errors are
 * OAuthErrors, so even a malformed request gets the `{error, error_description}` shape.
 */
import { OAuthError } from '../errors.ts';
import type { ClientCredentials } from './clientService.ts';

export interface TokenRequest {
  credentials: ClientCredentials;
  /** True when the client authenticated with HTTP Basic (a 401 then names that scheme). */
  basicAuth: boolean;
}

const MAX_BODY_BYTES = 4096;

/** `contentType` and `authorization`: the request's headers of those names (the HTTP edge reads them). */
export function parseTokenRequest(contentType: string | undefined, authorization: string | undefined, rawBody: string | undefined): TokenRequest {
  if (!/^application\/x-www-form-urlencoded\b/i.test((contentType ?? '').trim())) {
    throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
  }
  const body = rawBody ?? '';
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new OAuthError('invalid_request', 'the request body is too large');
  const form = new URLSearchParams(body);
  const single = (name: string): string | undefined => {
    const values = form.getAll(name);
    if (values.length > 1) throw new OAuthError('invalid_request', `parameter ${name} is repeated`);
    return values[0] === '' ? undefined : values[0];
  };
  const grantType = single('grant_type');
  const scope = single('scope');
  const bodyId = single('client_id');
  const bodySecret = single('client_secret');
  if (grantType === undefined) throw new OAuthError('invalid_request', 'missing grant_type');
  if (grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported; use client_credentials`);
  if (scope !== undefined && !/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(scope)) {
    throw new OAuthError('invalid_request', 'scope must be space-separated scope tokens');
  }

  const basic = basicCredentials(authorization);
  if (basic && (bodyId !== undefined || bodySecret !== undefined)) {
    throw new OAuthError('invalid_request', 'use one client authentication method: HTTP Basic or client_id/client_secret in the body, not both');
  }
  const clientId = basic?.clientId ?? bodyId;
  const clientSecret = basic?.clientSecret ?? bodySecret;
  if (clientId === undefined || clientSecret === undefined) {
    throw new OAuthError('invalid_client', 'client authentication failed: client_id and client_secret are required', 401);
  }
  return { credentials: { clientId, clientSecret, ...(scope !== undefined && { scope }) }, basicAuth: basic !== undefined };
}

/** `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 2.3.1); undefined without Basic. */
function basicCredentials(authorization: string | undefined): { clientId: string; clientSecret: string } | undefined {
  if (!authorization) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!match?.[1]) {
    if (/^Basic\b/i.test(authorization)) throw new OAuthError('invalid_client', 'malformed HTTP Basic credentials', 401, { 'www-authenticate': 'Basic realm="video-rooms"' });
    throw new OAuthError('invalid_request', 'the token endpoint takes HTTP Basic client authentication or credentials in the body');
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'malformed HTTP Basic credentials', 401, { 'www-authenticate': 'Basic realm="video-rooms"' });
  try {
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'malformed HTTP Basic credentials', 401, { 'www-authenticate': 'Basic realm="video-rooms"' });
  }
}
