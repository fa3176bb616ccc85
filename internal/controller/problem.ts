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

export function sendProblem(res: Response, problem: Problem): void {
  if (problem.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(0, Math.ceil(problem.retryAfterSeconds))));
  }
  if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(
      // Extensions first: a member named like a standard one (status, type) can never replace it.
      JSON.stringify({
        ...problem.extensions,
        type: PROBLEM_BASE + problem.code,
        title: problem.title,
        status: problem.status,
        detail: problem.detail,
        ...(problem.retryAfterSeconds !== undefined && { retry_after_seconds: Math.max(0, Math.ceil(problem.retryAfterSeconds)) }),
      }),
    );
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

/** Express's final error handler: a problem+json body always; the cause is logged once, never leaked. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = problemFor(error);
    if (problem.status >= 500) {
      const level = problem.status === 503 ? 'warn' : 'error';
      const cause = error instanceof Error ? (error.cause ?? error) : error;
      logger[level]('request failed', {
        method: req.method,
        path: req.path,
        status: problem.status,
        error: cause instanceof Error ? { name: cause.name, message: cause.message, stack: cause.stack } : String(cause),
      });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, problem);
  };
}
