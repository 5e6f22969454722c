/**
 * Typed errors. Domain code throws these; the HTTP and WebSocket edges map them to a status
 * once (lambdas/http/httpHandler.ts), never with try/catch in each handler.
 */
import type { OAuthErrorCode, OAuthErrorResponse } from '../../protocol/index.ts';

export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  /** Extra response headers (Retry-After, say). */
  readonly headers: Record<string, string> = {};
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The response body: `{message}` for every API but OAuth's. */
  body(): unknown {
    return { message: this.message };
  }
}

export class BadRequestError extends AppError {
  readonly statusCode = 400;
}

/** A 400 whose body maps each bad field to a message (the user endpoint routes'). */
export class FieldValidationError extends BadRequestError {
  constructor(readonly fields: Readonly<Record<string, string>>) {
    super(Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; '));
  }

  override body(): Record<string, string> {
    return { ...this.fields };
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly statusCode = 415;
}

export class PayloadTooLargeError extends AppError {
  readonly statusCode = 413;
}

export class UnauthorizedError extends AppError {
  readonly statusCode = 401;
}

export class ForbiddenError extends AppError {
  readonly statusCode = 403;
}

export class ConflictError extends AppError {
  readonly statusCode = 409;
}

export class GoneError extends AppError {
  readonly statusCode = 410;
}

export class TooManyRequestsError extends AppError {
  readonly statusCode = 429;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers['retry-after'] = String(retryAfterSeconds);
  }
}

/** An OAuth 2.0 token endpoint error (RFC 6749 section 5.2): `{error, error_description}`, never cached. */
export class OAuthError extends AppError {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
    readonly statusCode: number = code === 'invalid_client' ? 401 : 400,
    headers: Record<string, string> = {},
  ) {
    super(message);
    Object.assign(this.headers, { 'cache-control': 'no-store', pragma: 'no-cache' }, headers);
  }

  override body(): OAuthErrorResponse {
    return { error: this.code, error_description: this.message };
  }
}

export class NotFoundError extends AppError {
  readonly statusCode = 404;
}

export class RoomNotFoundError extends NotFoundError {
  constructor() {
    super('Room not found');
  }
}

export class RoomCapReachedError extends AppError {
  readonly statusCode = 429;
  constructor(maxRooms: number, anonymous = false) {
    super(
      anonymous
        ? `Room limit for anonymous callers reached: ${maxRooms} rooms are live. Try again later, or call with a token that has the rooms:create scope.`
        : `Room limit reached: ${maxRooms} rooms are live, the most this deployment allows. Try again later.`,
    );
    this.headers['retry-after'] = '30';
  }
}

/** A ticket-only room and a caller without a ticket (or service) token. */
export class TicketRequiredError extends ForbiddenError {
  constructor() {
    super('This room admits only people with an invitation link (a ticket). Ask someone in the room for one.');
  }
}

/** A request needed a room at once and none was ready: one is starting; retry in a few seconds. */
export class RoomStartingError extends AppError {
  readonly statusCode = 503;
  constructor(retryAfterSeconds = 3) {
    super('No room server is ready yet: one is starting. Try again in a few seconds.');
    this.headers['retry-after'] = String(retryAfterSeconds);
  }
}

export class TaskStartFailedError extends AppError {
  readonly statusCode = 500;
  constructor(cause?: unknown) {
    super('Failed to start task.', { cause });
  }
}

/** Message of any 500 that is not a typed error: never leak internals. */
export const INTERNAL_ERROR_MESSAGE = 'Something broke on the server';
