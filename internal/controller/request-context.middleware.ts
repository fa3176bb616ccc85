import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../../lib/adapter/logger';
import type { Metrics } from '../../lib/adapter/metrics';

// Accept a caller's id only if it is short and plain, so it is safe to echo and to log.
const ACCEPTABLE_ID = /^[A-Za-z0-9_\-.:]{1,128}$/;

/**
 * Gives a request its id (the caller's X-Request-Id or a new one) and echoes it; when the response is
 * done, logs one access line and observes its duration under the route pattern `route()` names then.
 * Express and the lean lane both start every request here.
 */
export function observeRequest(logger: Logger, metrics: Metrics) {
  return (req: IncomingMessage, res: ServerResponse, route: () => string): void => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const pattern = route();
      metrics.httpRequest(req.method!, pattern, res.statusCode, seconds);
      logger.info('request', { request_id: requestId, method: req.method, route: pattern, status: res.statusCode, duration_ms: seconds * 1e3 });
    });
  };
}

export function requestContextMiddleware(logger: Logger, metrics: Metrics): RequestHandler {
  const observe = observeRequest(logger, metrics);
  return (req, res, next) => {
    // Unmatched paths share one label: raw paths would let any client create unbounded series.
    observe(req, res, () => (req.route?.path as string | undefined) ?? 'unmatched');
    next();
  };
}
