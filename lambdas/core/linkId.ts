/** Ids that travel in links (share tickets, call URLs, calls): 16 URL-safe characters, 96 random bits. */
import { randomBytes } from 'node:crypto';

export const newLinkId = (): string => randomBytes(12).toString('base64url');
