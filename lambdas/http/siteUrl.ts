/** Where the links a handler makes point (share tickets, call URLs): the site serving the web client. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { deps } from '../core/deps.ts';
import { headerValue } from './httpHandler.ts';

/** The configured site, else the page the request came from (its Origin), else the API itself. */
export function siteUrlOf(event: APIGatewayProxyEventV2): string {
  const { config } = deps();
  const origin = headerValue(event.headers, 'origin');
  return config.siteUrl ?? (origin && /^https?:\/\/[^/\s]+$/.test(origin) ? origin : config.tokens.issuer);
}
