import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitPolicy, RateLimiter, RateLimitScope } from '../../lib/adapter/rate-limiter';
import type { RedisClient } from '../redis/client';

type Policies = Record<RateLimitScope, RateLimitPolicy>;

/**
 * RateLimiter over rate-limiter-flexible. With Redis the counters are shared by every API process; should
 * Redis fail, an in-process limiter with the same policy takes over (insurance), so a Redis outage never
 * turns rate limiting into errors.
 */
export class FlexibleRateLimiter implements RateLimiter {
  private readonly limiters: Partial<Record<RateLimitScope, RateLimiterAbstract>> = {};

  constructor(policies: Policies, redis?: { client: RedisClient; keyPrefix: string }) {
    for (const scope of ['user', 'ip'] as const) {
      const { points, windowSeconds } = policies[scope];
      if (points === 0) continue;
      const memory = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: `rl:${scope}` });
      this.limiters[scope] = redis
        ? new RateLimiterRedis({
            storeClient: redis.client,
            useRedisPackage: true,
            points,
            duration: windowSeconds,
            keyPrefix: `${redis.keyPrefix}rl:${scope}`,
            insuranceLimiter: memory,
          })
        : memory;
    }
  }

  async consume(scope: RateLimitScope, key: string): Promise<number | null> {
    const limiter = this.limiters[scope];
    if (!limiter) return null;
    try {
      await limiter.consume(key);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
