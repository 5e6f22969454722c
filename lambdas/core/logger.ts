/** Structured JSON logs (Powertools). Handlers append roomId / peerId / connectionId keys. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'video-rooms' });
