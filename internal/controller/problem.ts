import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '../../lib/adapter/logger';
import { DomainError, type ErrorKind } from '../../lib/domain/errors';

/** The one table from domain error kind to HTTP status and title. */
const HTTP: Record<ErrorKind, { status: number; title: string }> = {
  invalid: { status: 400, title: 'Bad Request' },
  unauthenticated: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  unprocessable: { status: 422, title: 'Unprocessable Content' },
  rate_limited: { status: 429, title: 'Too Many Requests' },
  unavailable: { status: 503, title: 'Service Unavailable' },
};

/** Errors raised by Express's body parser before our code runs (it sets `type` and `status`). */
const PARSER_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  'entity.parse.failed': { status: 400, code: 'malformed-json', detail: 'The request body is not valid JSON.' },
  'entity.too.large': { status: 413, code: 'payload-too-large', detail: 'The request body is too large.' },
  'encoding.unsupported': { status: 415, code: 'unsupported-encoding', detail: 'The content encoding is not supported.' },
  'charset.unsupported': { status: 415, code: 'unsupported-charset', detail: 'The charset is not supported; use utf-8.' },
  'request.aborted': { status: 400, code: 'request-aborted', detail: 'The request was aborted by the client.' },
};

/**
 * Other client errors raised before our code runs, which carry an http-errors style `status` of 400: Express's
 * router cannot percent-decode a path parameter (`/events/%E0%A4`, a URIError), or body-parser cannot read
 * the body (a gzip Content-Encoding over bytes that are not gzip). The client sent them; they are not 500s.
 */
function requestReadingError(error: unknown): Problem | null {
  if ((error as { status?: unknown } | null)?.status !== 400) return null;
  if (error instanceof URIError) {
    return { status: 400, code: 'malformed-uri', title: 'Bad Request', detail: 'The request path is not valid percent-encoding.' };
  }
  // Only http-errors' client errors (expose: true) qualify: anything else with a stray status stays a 500.
  if ((error as { expose?: unknown }).expose !== true) return null;
  return { status: 400, code: 'unreadable-body', title: 'Bad Request', detail: 'The request body could not be read as sent (check Content-Encoding and Content-Length).' };
}

export const PROBLEM_BASE = '/problems/';

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
  extensions?: Record<string, unknown>;
  retryAfterSeconds?: number;
}

/** Status, headers and body of a problem answer, for Express and for the lean lane alike. */
export function problemResponse(problem: Problem): { status: number; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { 'Content-Type': 'application/problem+json; charset=utf-8' };
  const retryAfter = problem.retryAfterSeconds === undefined ? undefined : Math.max(0, Math.ceil(problem.retryAfterSeconds));
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  if (problem.status === 401) headers['WWW-Authenticate'] = 'Bearer';
  // Extensions first: a member named like a standard one (status, type) can never replace it.
  const body = JSON.stringify({
    ...problem.extensions,
    type: PROBLEM_BASE + problem.code,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(retryAfter !== undefined && { retry_after_seconds: retryAfter }),
  });
  return { status: problem.status, headers, body };
}

export function sendProblem(res: Response, problem: Problem): void {
  const { status, headers, body } = problemResponse(problem);
  res.status(status).set(headers).send(body);
}

export function problemFor(error: unknown): Problem {
  if (error instanceof DomainError) {
    const { status, title } = HTTP[error.kind];
    return {
      status,
      code: error.code,
      title,
      detail: error.message,
      extensions: error.extensions,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  const parserType = (error as { type?: unknown } | null)?.type;
  if (typeof parserType === 'string' && PARSER_ERRORS[parserType]) {
    const { status, code, detail } = PARSER_ERRORS[parserType];
    return { status, code, title: status === 413 ? 'Content Too Large' : status === 415 ? 'Unsupported Media Type' : 'Bad Request', detail };
  }
  const clientError = requestReadingError(error);
  if (clientError) return clientError;
  return { status: 500, code: 'internal-error', title: 'Internal Server Error', detail: 'An unexpected error occurred.' };
}

/** Server-side failures are logged once with their cause; the client only ever sees the problem. */
export function logFailure(logger: Logger, problem: Problem, error: unknown, request: { method?: string; path: string; requestId: unknown }): void {
  if (problem.status < 500) return;
  const level = problem.status === 503 ? 'warn' : 'error';
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  logger[level]('request failed', {
    request_id: request.requestId,
    method: request.method,
    path: request.path,
    status: problem.status,
    error: cause instanceof Error ? { name: cause.name, message: cause.message, stack: cause.stack } : String(cause),
  });
}

/** Express's final error handler: a problem+json body always; the cause is logged once, never leaked. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = problemFor(error);
    logFailure(logger, problem, error, { method: req.method, path: req.path, requestId: res.getHeader('X-Request-Id') });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, problem);
  };
}
