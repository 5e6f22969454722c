/**
 * Sends frames to WebSocket connections through the API Gateway management API (the local gateway's
 * `@connections` endpoint locally). The endpoint comes from configuration, never from the event.
 */
import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ServerFrame } from '../../../protocol/index.ts';

export interface ConnectionNotifier {
  /** False when the connection is gone (the caller cleans it up). */
  send(connectionId: string, frame: ServerFrame): Promise<boolean>;
  /** Closes a connection (its $disconnect follows). */
  close(connectionId: string): Promise<void>;
}

export class ApiGatewayNotifier implements ConnectionNotifier {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async send(connectionId: string, frame: ServerFrame): Promise<boolean> {
    try {
      await this.client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(frame)) }),
      );
      return true;
    } catch (error) {
      if (isGone(error)) return false;
      throw error;
    }
  }

  async close(connectionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
}

function isGone(error: unknown): boolean {
  return error instanceof GoneException || (error as Error)?.name === 'GoneException';
}
