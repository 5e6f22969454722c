/**
 * Typed errors. Domain code throws these; the HTTP and WebSocket edges map them to a status
 * once (lambdas/http/httpHandler.ts), never with try/catch in each handler.
 */
export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  /** Extra response headers (Retry-After, say). */
  readonly headers: Record<string, string> = {};
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  readonly statusCode = 400;
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
  constructor(maxRooms: number) {
    super(`Room limit reached: ${maxRooms} rooms are live, the most this deployment allows. Try again later.`);
    this.headers['retry-after'] = '30';
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
