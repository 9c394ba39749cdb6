/**
 * Typed errors: each carries the HTTP status it maps to. The one place that turns them into responses is
 * shared/http/errors-to-response (the last middleware of every HTTP handler). Only statuses below 500 show
 * their message to the caller; anything else is logged and answered with a generic 500.
 */

/** One problem with one field, in words a caseworker understands. `field` is the variable name (or a path). */
export interface FieldError {
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  /** A stable, machine-readable code clients can switch on. */
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
  /** Extra JSON the caller may see (never values of form fields). */
  details(): Record<string, unknown> | undefined {
    return undefined;
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly code = 'bad_request';
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  readonly code = 'method_not_allowed';
  constructor(
    message: string,
    readonly allowed: readonly string[],
  ) {
    super(message);
  }
  override details(): Record<string, unknown> {
    return { allowed: this.allowed };
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = 'conflict';
}

/** Something that existed and has ended for good (a closed survey wave): 410. */
export class GoneError extends AppError {
  readonly status = 410;
  readonly code: string = 'gone';
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

/** The caller sent more than a per-container limit allows in a short time (CSP reports): 429. */
export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = 'too_many_requests';
}

/** Answers or parameters that parse but break a rule: one entry per field. */
export class ValidationError extends AppError {
  readonly status = 422;
  readonly code = 'validation_failed';
  constructor(
    message: string,
    readonly fieldErrors: readonly FieldError[],
  ) {
    super(message);
  }
  override details(): Record<string, unknown> {
    return { errors: this.fieldErrors };
  }
}

/** A dependency (DynamoDB, S3, mail) is not reachable; the caller may retry. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'service_unavailable';
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
