/**
 * The one wrapper every WebSocket route handler goes through (middy): parse the frame, validate its
 * `data` with the shared schema, call the domain, and map typed errors once: an error frame
 * `{"type":"error","action","status","message"}` to the sender and the same status to the gateway.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { firstIssueMessage, MAX_WS_MESSAGE_BYTES } from '../../protocol/index.ts';
import { deps } from '../core/deps.ts';
import { AppError, BadRequestError, INTERNAL_ERROR_MESSAGE, PayloadTooLargeError } from '../core/errors.ts';
import { logger } from '../core/logger.ts';

export type WsEvent = APIGatewayProxyWebsocketEventV2 & {
  queryStringParameters?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & {
    disconnectStatusCode?: number;
    disconnectReason?: string;
  };
};
export type WsLambda = (event: WsEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface WsRequest<D> {
  connectionId: string;
  data: D;
  /** The parsed frame (for $default: whatever arrived, if it was JSON). */
  frame: unknown;
  event: WsEvent;
}

const ok: APIGatewayProxyResult = { statusCode: 200, body: '' };

/** A route whose frames carry `data` checked by `schema` (omit for routes without data). */
export function wsHandler<S extends z.ZodType = z.ZodUnknown>(
  action: string,
  schema: S | undefined,
  fn: (request: WsRequest<z.infer<S>>) => Promise<void>,
): WsLambda {
  const base = async (event: WsEvent): Promise<APIGatewayProxyResult> => {
    const { connectionId } = event.requestContext;
    logger.appendKeys({ connectionId, route: event.requestContext.routeKey });
    if (Buffer.byteLength(event.body ?? '') > MAX_WS_MESSAGE_BYTES * 2) throw new PayloadTooLargeError('frame is larger than 128 KB');
    const frame = parseFrame(event);
    let data: unknown;
    if (schema) {
      const parsed = schema.safeParse((frame as { data?: unknown } | undefined)?.data);
      if (!parsed.success) throw new BadRequestError(firstIssueMessage(parsed.error));
      data = parsed.data;
    }
    await fn({ connectionId, data: data as z.infer<S>, frame, event });
    return ok;
  };
  return middy(base)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({ onError: (request) => mapError(request, action) }) as unknown as WsLambda;
}

function parseFrame(event: WsEvent): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function mapError(request: middy.Request<WsEvent, APIGatewayProxyResult>, action: string): Promise<void> {
  const error = request.error;
  const status = error instanceof AppError ? error.statusCode : 500;
  const message = error instanceof AppError ? error.message : INTERNAL_ERROR_MESSAGE;
  if (status >= 500) logger.error('ws request failed', { error: error as Error });
  else logger.info('ws request rejected', { status, reason: message });
  const { connectionId, eventType } = request.event.requestContext;
  if (eventType === 'MESSAGE') {
    // the sender learns why (for $default: under the action it sent); a failure to tell it changes nothing
    const sent = (parseFrame(request.event) as { action?: unknown } | undefined)?.action;
    const frameAction = action === '$default' && typeof sent === 'string' ? sent.slice(0, 64) : action;
    await deps()
      .signaling.notify(connectionId, { type: 'error', action: frameAction, status, message })
      .catch((e: unknown) => logger.warn('could not send the error frame', { error: e as Error }));
  }
  request.response = { statusCode: status, body: JSON.stringify({ message }) };
}
