/** GET /call-url with a user token -> 200 {callUrls: [...]}: the caller's links that still call, newest first | 401 | 403 */
import type { CallUrlListResponse } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { httpHandler } from './httpHandler.ts';
import { siteUrlOf } from './siteUrl.ts';

export const handler = httpHandler({ auth: true }, async ({ principal, event }) => ({
  body: (await deps().callUrls.list(principal, siteUrlOf(event))) satisfies CallUrlListResponse,
}));
