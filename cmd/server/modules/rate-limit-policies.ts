import type { RateLimitPolicy, RateLimitScope } from '../../../lib/adapter/rate-limiter';
import type { Config } from '../../../internal/config/config';

export function rateLimitPolicies({ rateLimit }: Config): Record<RateLimitScope, RateLimitPolicy> {
  return {
    user: { points: rateLimit.perUser, windowSeconds: rateLimit.windowSeconds },
    ip: { points: rateLimit.perIp, windowSeconds: rateLimit.windowSeconds },
  };
}
