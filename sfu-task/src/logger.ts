/** Structured JSON logs (Powertools) with the room id and SFU id on every line; peerId per call. */
import { Logger } from '@aws-lambda-powertools/logger';

export function createLogger(roomId: string, sfuId: string): Logger {
  return new Logger({ serviceName: 'sfu-task', persistentKeys: { roomId, sfuId } });
}
