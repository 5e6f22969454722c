/**
 * The HTTP API half of the local gateway: turns an HTTP request into an API Gateway HTTP API
 * payload-2.0 event, invokes the route's handler, and maps the result back as API Gateway does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { compilePath, type HttpRoute } from '../lib/routes.ts';
import { type LambdaRuntime, LambdaTimeoutError } from './lambdaRuntime.ts';

/** API Gateway's limits: 10 MB payload, 30 s integration timeout. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const INTEGRATION_TIMEOUT_MS = 30_000;

interface CompiledRoute {
  route: HttpRoute;
  regex: RegExp;
  params: string[];
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

export class HttpApiGateway {
  private readonly routes: CompiledRoute[];

  constructor(
    routes: readonly HttpRoute[],
    private readonly runtime: LambdaRuntime,
    private readonly logger: Logger,
  ) {
    this.routes = routes.map((route) => ({ route, ...compilePath(route.path) }));
  }

  /** The route for a method and path, if any (so the caller can fall back to static files). */
  match(method: string, path: string): { route: HttpRoute; pathParameters: Record<string, string> } | undefined {
    for (const { route, regex, params } of this.routes) {
      if (route.method !== method) continue;
      const m = regex.exec(path);
      if (!m) continue;
      const pathParameters: Record<string, string> = {};
      params.forEach((name, i) => (pathParameters[name] = decodeURIComponent(m[i + 1] ?? '')));
      return { route, pathParameters };
    }
    return undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, domainName: string): Promise<void> {
    const matched = this.match(req.method ?? 'GET', url.pathname);
    if (!matched) return sendJson(res, 404, { message: 'Not Found' });

    let body: Buffer;
    try {
      body = await readBody(req, MAX_PAYLOAD_BYTES);
    } catch {
      return sendJson(res, 413, { message: 'Request Entity Too Large' });
    }
    const event = toEvent(req, url, body, matched.route, matched.pathParameters, domainName);
    const started = performance.now();
    let result: unknown;
    try {
      result = await this.runtime.invoke(matched.route.entry, matched.route.name, event, INTEGRATION_TIMEOUT_MS);
    } catch (error) {
      this.logger.error('handler failed', { route: event.routeKey, error: error as Error });
      return error instanceof LambdaTimeoutError
        ? sendJson(res, 503, { message: 'Service Unavailable' })
        : sendJson(res, 500, { message: 'Internal Server Error' });
    }
    const response = toResponse(result);
    this.logger.debug('http', { route: event.routeKey, status: response.statusCode, ms: performance.now() - started });
    res.writeHead(response.statusCode ?? 200, response.headers as Record<string, string>);
    if (response.cookies?.length) res.setHeader('set-cookie', response.cookies);
    res.end(response.body === undefined ? undefined : Buffer.from(response.body, response.isBase64Encoded ? 'base64' : 'utf8'));
  }
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: HttpRoute,
  pathParameters: Record<string, string>,
  domainName: string,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = query[key] === undefined ? value : `${query[key]},${value}`;

  const isText = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies?.length && { cookies }),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    ...(Object.keys(pathParameters).length > 0 && { pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: formatClf(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: isText ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** API Gateway's payload-2.0 response rules: a plain value becomes a 200 JSON body. */
function toResponse(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    return result as APIGatewayProxyStructuredResultV2;
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function formatClf(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('payload too large'));
        req.resume();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
