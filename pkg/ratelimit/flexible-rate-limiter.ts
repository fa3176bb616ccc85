import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitPolicy, RateLimiter, RateLimitScope } from '../../lib/adapter/rate-limiter';
import { DependencyUnavailableError } from '../../lib/domain/errors';
import type { RedisClient } from '../redis/client';
import { guardRedis } from '../redis/lua-script';

type Policies = Record<RateLimitScope, RateLimitPolicy>;

/**
 * RateLimiter over rate-limiter-flexible. With Redis the counters are shared by every API process; should
 * Redis fail, an in-process limiter with the same policy takes over (insurance), so a Redis outage never
 * turns rate limiting into errors.
 */
export class FlexibleRateLimiter implements RateLimiter {
  private readonly limiters: Partial<Record<RateLimitScope, RateLimiterAbstract>> = {};
  private readonly insurance: Partial<Record<RateLimitScope, RateLimiterAbstract>> = {};

  constructor(policies: Policies, redis?: { client: RedisClient; keyPrefix: string }) {
    for (const scope of ['user', 'ip'] as const) {
      const { points, windowSeconds } = policies[scope];
      if (points === 0) continue;
      const memory = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: `rl:${scope}` });
      this.insurance[scope] = memory;
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
      // A stalled Redis would leave the limiter waiting (the client sets no per-command timeout): past the
      // deadline the in-process limiter answers, as rate-limiter-flexible's insurance does on an error.
      await guardRedis(() => limiter.consume(key));
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      if (rejection instanceof DependencyUnavailableError && this.insurance[scope] !== limiter) return this.consumeInsured(scope, key);
      throw rejection;
    }
  }

  private async consumeInsured(scope: RateLimitScope, key: string): Promise<number | null> {
    try {
      await this.insurance[scope]!.consume(key);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
