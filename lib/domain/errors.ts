/**
 * Domain errors carry a stable `code` (it becomes the problem `type`) and a `kind`. The kind says what
 * went wrong in domain terms; internal/controller/problem.ts is the one place that turns kinds into HTTP.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

export interface FieldError {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  /** Extension members added to the problem body (snake_case keys). */
  readonly extensions: Record<string, unknown>;
  /** When set, the client may retry after this many seconds (Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: string,
    message: string,
    options: { extensions?: Record<string, unknown>; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    // A domain error is an expected answer (most answers of a flash sale are 409s) and is never logged with
    // its stack, so none is captured: that is most of what constructing an Error costs.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
    this.extensions = options.extensions ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  constructor(readonly errors: FieldError[], message = 'The request is not valid.') {
    super('validation-error', message, { extensions: { errors } });
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }], `${field}: ${message}`);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(message = 'A valid bearer token is required.') {
    super('unauthenticated', message);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(message = 'You may not do this.', code = 'forbidden') {
    super(code, message);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  constructor(resource: string, id?: string) {
    super('not-found', id === undefined ? `${resource} not found.` : `${resource} ${id} not found.`);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    code: string,
    message: string,
    options: { extensions?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(code, message, options);
  }
}

export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable';
  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited';
  constructor(retryAfterSeconds: number) {
    super('rate-limited', 'Too many requests; slow down.', { retryAfterSeconds });
  }
}

/**
 * A dependency (database, cache) is down or timed out: retry shortly. Usually the request changed nothing;
 * `outcomeUnknown` says a change was sent and may still be applied (a statement past its deadline, a
 * connection lost mid-statement), so a retry must not take for granted that it was not.
 */
export class DependencyUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(
    dependency: string,
    cause?: unknown,
    readonly outcomeUnknown = false,
  ) {
    super('dependency-unavailable', `The ${dependency} is unavailable; retry shortly.`, {
      retryAfterSeconds: 2,
      cause,
      extensions: { dependency },
    });
  }
}
