/**
 * POST /security/oauth/token (application/x-www-form-urlencoded; grant_type=client_credentials, the
 * client's id and secret in the body or HTTP Basic) -> 200 {access_token, token_type, expires_in, scope}
 * | RFC 6749 5.2 errors: 400 invalid_request, unsupported_grant_type, invalid_scope; 401 invalid_client;
 * 429 after too many failed attempts for the client id.
 */
import type { OAuthTokenResponse } from '../../protocol/index.ts';
import { parseTokenRequest } from '../core/auth/tokenRequest.ts';
import { deps } from '../core/deps.ts';
import { headerValue, httpHandler } from './httpHandler.ts';

export const handler = httpHandler({}, async ({ event }) => {
  const raw = event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const request = parseTokenRequest(headerValue(event.headers, 'content-type'), headerValue(event.headers, 'authorization'), raw);
  const body = await deps().clients.issueToken(request.credentials, request.basicAuth);
  return { body: body satisfies OAuthTokenResponse, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
});
