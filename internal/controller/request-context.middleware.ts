import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../lib/adapter/logger';
import { requestContext } from '../../lib/observability/request-context';

// Accept a caller's id only if it is short and plain, so it is safe to echo and to log.
const ACCEPTABLE_ID = /^[A-Za-z0-9_\-.:]{1,128}$/;

/** Gives every request an id (the caller's X-Request-Id or a new one), echoes it, and logs one access line. */
export function requestContextMiddleware(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info('request', {
        request_id: requestId,
        method: req.method,
        route: req.route?.path ?? null,
        status: res.statusCode,
        duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    requestContext.run({ requestId }, next);
  };
}
