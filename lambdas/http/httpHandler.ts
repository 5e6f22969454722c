/**
 * The one wrapper every HTTP API handler goes through (middy): parse and validate the request with
 * the shared schemas, call the domain, serialize the response, and map typed errors to status codes
 * in one place. Handlers stay parse -> call -> respond.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { fieldIssues, firstIssueMessage } from '../../protocol/index.ts';
import {
  AppError,
  BadRequestError,
  FieldValidationError,
  INTERNAL_ERROR_MESSAGE,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../core/errors.ts';
import type { Principal } from '../core/auth/principal.ts';
import { deps } from '../core/deps.ts';
import { logger } from '../core/logger.ts';

/** Largest JSON body a route accepts; room requests are tiny. */
export const MAX_BODY_BYTES = 16 * 1024;

export interface HttpRequest<Q, B, P> {
  query: Q;
  body: B;
  path: P;
  /** The bearer token's holder (routes with `auth`); undefined for an anonymous caller. */
  principal: Principal | undefined;
  event: APIGatewayProxyEventV2;
}

export interface HttpResult {
  statusCode?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpSpec<QS extends z.ZodType, BS extends z.ZodType, PS extends z.ZodType> {
  query?: QS;
  body?: BS;
  path?: PS;
  /** Read `Authorization: Bearer` into `principal` (401 for a bad token; no header = anonymous). */
  auth?: boolean;
  /** Every 400 is `{field: message, ...}` for each bad field (FieldValidationError) instead of `{message}`. */
  fieldErrors?: boolean;
}

export type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function httpHandler<
  QS extends z.ZodType = z.ZodUnknown,
  BS extends z.ZodType = z.ZodUnknown,
  PS extends z.ZodType = z.ZodUnknown,
>(
  spec: HttpSpec<QS, BS, PS>,
  fn: (request: HttpRequest<z.infer<QS>, z.infer<BS>, z.infer<PS>>) => Promise<HttpResult>,
): HttpLambda {
  const base = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const fields = spec.fieldErrors === true;
    const query = spec.query ? validate(spec.query, event.queryStringParameters ?? {}, fields) : undefined;
    const path = spec.path ? validate(spec.path, event.pathParameters ?? {}, fields) : undefined;
    const body = spec.body ? validate(spec.body, fields ? bodyAsField(event) : parseJsonBody(event), fields) : undefined;
    const principal = spec.auth ? await deps().auth.principal(headerValue(event.headers, 'authorization')) : undefined;
    const result = await fn({
      query: query as z.infer<QS>,
      body: body as z.infer<BS>,
      path: path as z.infer<PS>,
      principal,
      event,
    });
    return json(result.statusCode ?? 200, result.body ?? {}, result.headers);
  };
  return middy(base)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({ onError: mapError }) as unknown as HttpLambda;
}

function validate<S extends z.ZodType>(schema: S, input: unknown, fields = false): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fields ? new FieldValidationError(fieldIssues(parsed.error)) : new BadRequestError(firstIssueMessage(parsed.error));
  return parsed.data;
}

/** parseJsonBody, with a malformed body reported as the field `body`. */
function bodyAsField(event: APIGatewayProxyEventV2): unknown {
  try {
    return parseJsonBody(event);
  } catch (error) {
    if (error instanceof BadRequestError) throw new FieldValidationError({ body: error.message });
    throw error;
  }
}

/** The request body as JSON: `{}` when absent, 415 for another content type, 400 when malformed. */
function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') return {};
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  const contentType = headerValue(event.headers, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError('Content-Type must be application/json');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('request body is not valid JSON');
  }
}

export function headerValue(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Typed errors -> their status and message; anything else -> 500 without internals. */
async function mapError(request: middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>) {
  const error = request.error;
  if (error instanceof AppError) {
    if (error.statusCode >= 500) logger.error('request failed', { error, cause: error.cause as Error });
    else logger.info('request rejected', { status: error.statusCode, reason: error.message });
    request.response = json(error.statusCode, error.body(), error.headers);
    return;
  }
  logger.error('unhandled error', { error: error as Error });
  request.response = json(500, { message: INTERNAL_ERROR_MESSAGE });
}

function json(statusCode: number, body: unknown, headers?: Record<string, string>): APIGatewayProxyStructuredResultV2 {
  if (statusCode === 204) return { statusCode, headers: { ...headers } };
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
