/**
 * The WebSocket API half of the local gateway, at /ws: API Gateway WebSocket event shapes, route
 * selection on `body.action` with `$default`, a `$connect` that can refuse the upgrade, API Gateway's
 * limits (128 KB messages, idle and maximum connection time), and the `@connections` management
 * endpoint (POST send, GET info, DELETE close; 410 GoneException for unknown ids) that
 * `@aws-sdk/client-apigatewaymanagementapi` reaches unchanged.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { WsRoute } from '../lib/routes.ts';
import { MAX_WS_MESSAGE_BYTES } from '../protocol/index.ts';
import { readBody, sendJson } from './httpApiGateway.ts';
import type { LambdaRuntime } from './lambdaRuntime.ts';

export const WS_PATH = '/ws';
export const CONNECTIONS_PREFIX = '/@connections/';
const STAGE = 'local';
/** API Gateway's integration timeout for WebSocket routes. */
const ROUTE_TIMEOUT_MS = 29_000;

export interface WsGatewayOptions {
  /** Close a connection idle (no frame from the client) this long; API Gateway: 10 minutes. */
  idleTimeoutMs: number;
  /** Close every connection after this long; API Gateway: 2 hours. */
  maxConnectionMs: number;
}

interface LocalConnection {
  id: string;
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  /** Frames of one connection run in order (API Gateway does not promise this; see README). */
  queue: Promise<void>;
  idleTimer?: NodeJS.Timeout;
  maxTimer?: NodeJS.Timeout;
  closing?: { code: number; reason: string };
}

export class WsApiGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  private readonly connections = new Map<string, LocalConnection>();
  private readonly routes: Map<string, WsRoute>;

  constructor(
    routes: readonly WsRoute[],
    private readonly runtime: LambdaRuntime,
    private readonly domainName: string,
    private readonly options: WsGatewayOptions,
    private readonly logger: Logger,
  ) {
    this.routes = new Map(routes.map((r) => [r.routeKey, r]));
  }

  /** HTTP upgrade at /ws: runs $connect, and refuses the upgrade unless it answered 2xx. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const id = randomBytes(12).toString('base64url').slice(0, 15) + '=';
    const now = Date.now();
    const headers = lowerHeaders(req);
    const query = Object.fromEntries(url.searchParams);
    const event = {
      ...this.baseEvent('$connect', 'CONNECT', id, now, now, req.socket.remoteAddress ?? '127.0.0.1', headers['user-agent'] ?? ''),
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.split(',')])),
      ...(Object.keys(query).length > 0 && {
        queryStringParameters: query,
        multiValueQueryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
      }),
      isBase64Encoded: false,
    };
    const status = await this.invokeStatus('$connect', event);
    if (status < 200 || status > 299) {
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(id, ws, now, event.requestContext.identity.sourceIp, headers['user-agent'] ?? ''));
  }

  /** The management endpoint: POST/GET/DELETE /@connections/{id}. */
  async manage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = decodeURIComponent(url.pathname.slice(CONNECTIONS_PREFIX.length));
    const conn = this.connections.get(id);
    if (!conn || conn.socket.readyState !== WebSocket.OPEN) {
      return sendJson(res, 410, { message: null }, { 'x-amzn-errortype': 'GoneException' });
    }
    if (req.method === 'POST') {
      const body = await readBody(req, MAX_WS_MESSAGE_BYTES + 1).catch(() => undefined);
      if (body === undefined || body.length > MAX_WS_MESSAGE_BYTES) {
        return sendJson(res, 413, { message: 'Payload Too Large' }, { 'x-amzn-errortype': 'PayloadTooLargeException' });
      }
      conn.socket.send(body.toString('utf8'));
      res.writeHead(200, { 'content-length': 0 });
      return void res.end();
    }
    if (req.method === 'GET') {
      return sendJson(res, 200, {
        connectedAt: new Date(conn.connectedAt).toISOString(),
        identity: { sourceIp: conn.sourceIp, userAgent: conn.userAgent },
        lastActiveAt: new Date(conn.lastActiveAt).toISOString(),
      });
    }
    if (req.method === 'DELETE') {
      this.close(conn, 1001, 'Going away');
      res.writeHead(204);
      return void res.end();
    }
    return sendJson(res, 400, { message: `unsupported method ${req.method}` }, { 'x-amzn-errortype': 'BadRequestException' });
  }

  async closeAll(): Promise<void> {
    const closing = [...this.connections.values()].map(
      (conn) => new Promise<void>((resolve) => {
        conn.socket.once('close', () => resolve());
        this.close(conn, 1001, 'Going away');
        setTimeout(resolve, 1000).unref();
      }),
    );
    await Promise.all(closing);
    await Promise.all([...this.connections.values()].map((c) => c.queue));
    this.wss.close();
  }

  private accept(id: string, socket: WebSocket, connectedAt: number, sourceIp: string, userAgent: string): void {
    const conn: LocalConnection = { id, socket, connectedAt, lastActiveAt: connectedAt, sourceIp, userAgent, queue: Promise.resolve() };
    this.connections.set(id, conn);
    this.touch(conn);
    conn.maxTimer = setTimeout(() => this.close(conn, 1001, 'Going away'), this.options.maxConnectionMs);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      this.touch(conn);
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      conn.queue = conn.queue.then(() => this.route(conn, buffer, isBinary));
    });
    socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(conn.idleTimer);
      clearTimeout(conn.maxTimer);
      const status = conn.closing?.code ?? code;
      const why = conn.closing?.reason ?? reason.toString();
      conn.queue = conn.queue.then(async () => {
        this.connections.delete(id);
        const event = {
          ...this.baseEvent('$disconnect', 'DISCONNECT', id, conn.connectedAt, Date.now(), conn.sourceIp, conn.userAgent),
          headers: {},
          isBase64Encoded: false,
        };
        Object.assign(event.requestContext, { disconnectStatusCode: status, disconnectReason: why });
        await this.invokeStatus('$disconnect', event);
      });
    });
    socket.on('error', (error) => this.logger.warn('websocket error', { connectionId: id, error }));
  }

  private async route(conn: LocalConnection, data: Buffer, isBinary: boolean): Promise<void> {
    let routeKey = '$default';
    const text = data.toString('utf8');
    if (!isBinary) {
      try {
        const parsed = JSON.parse(text) as { action?: unknown };
        if (parsed && typeof parsed.action === 'string' && this.routes.has(parsed.action) && !parsed.action.startsWith('$')) {
          routeKey = parsed.action;
        }
      } catch {
        // not JSON: $default
      }
    }
    const event = {
      ...this.baseEvent(routeKey, 'MESSAGE', conn.id, conn.connectedAt, Date.now(), conn.sourceIp, conn.userAgent),
      body: isBinary ? data.toString('base64') : text,
      isBase64Encoded: isBinary,
    };
    await this.invokeStatus(routeKey, event);
  }

  private async invokeStatus(routeKey: string, event: { requestContext: { connectionId: string } }): Promise<number> {
    const route = this.routes.get(routeKey);
    if (!route) return routeKey === '$connect' || routeKey === '$disconnect' ? 200 : 500;
    try {
      const result = (await this.runtime.invoke(route.entry, route.name, event, ROUTE_TIMEOUT_MS)) as { statusCode?: number } | undefined;
      return result?.statusCode ?? 200;
    } catch (error) {
      this.logger.error('ws handler failed', { routeKey, connectionId: event.requestContext.connectionId, error: error as Error });
      return 500;
    }
  }

  private touch(conn: LocalConnection): void {
    conn.lastActiveAt = Date.now();
    clearTimeout(conn.idleTimer);
    conn.idleTimer = setTimeout(() => this.close(conn, 1001, 'Going away'), this.options.idleTimeoutMs);
  }

  private close(conn: LocalConnection, code: number, reason: string): void {
    conn.closing ??= { code, reason };
    if (conn.socket.readyState === WebSocket.OPEN || conn.socket.readyState === WebSocket.CONNECTING) conn.socket.close(code, reason);
    // a peer that never answers the close handshake is cut off
    setTimeout(() => conn.socket.terminate(), 2000).unref();
  }

  private baseEvent(routeKey: string, eventType: string, connectionId: string, connectedAt: number, now: number, sourceIp: string, userAgent: string) {
    return {
      requestContext: {
        routeKey,
        eventType,
        messageId: eventType === 'MESSAGE' ? randomBytes(12).toString('base64url') : undefined,
        extendedRequestId: randomUUID(),
        requestTime: new Date(now).toUTCString(),
        messageDirection: 'IN',
        stage: STAGE,
        connectedAt,
        requestTimeEpoch: now,
        identity: { sourceIp, userAgent },
        requestId: randomUUID(),
        domainName: this.domainName,
        connectionId,
        apiId: 'local',
      },
    };
  }
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}
