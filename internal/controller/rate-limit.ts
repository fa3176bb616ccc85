import type { RequestHandler } from 'express';
import { RateLimitedError } from '../../lib/domain/errors';
import type { RateLimiter, RateLimitScope } from '../../lib/adapter/rate-limiter';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isWrite(method: string): boolean {
  return !READS.has(method);
}

/** Throws 429 (with Retry-After) when `key` has used up its allowance in `scope`. */
export async function enforceRateLimit(limiter: RateLimiter, scope: RateLimitScope, key: string): Promise<void> {
  const wait = await limiter.consume(scope, key);
  if (wait !== null) throw new RateLimitedError(wait);
}

/**
 * Meters write requests per client address before any work is done for them (JWT verification
 * included). `req.ip` honours TRUST_PROXY, so behind a load balancer it is the real client.
 */
export function ipRateLimit(limiter: RateLimiter): RequestHandler {
  return async (req, _res, next) => {
    if (isWrite(req.method)) await enforceRateLimit(limiter, 'ip', req.ip ?? 'unknown');
    next();
  };
}
