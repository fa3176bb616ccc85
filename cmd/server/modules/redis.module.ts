import { ContainerModule } from 'inversify';
import { EventBus } from '../../../lib/adapter/event-bus';
import { HealthProbe } from '../../../lib/adapter/health-probe';
import { RateLimiter } from '../../../lib/adapter/rate-limiter';
import type { Config } from '../../../internal/config/config';
import { FlexibleRateLimiter } from '../../../pkg/ratelimit/flexible-rate-limiter';
import { REDIS, type RedisClient } from '../../../pkg/redis/client';
import { RedisEventBus } from '../../../pkg/redis/redis-event-bus';
import { RedisHealthProbe } from '../../../pkg/redis/redis-health-probe';
import { rateLimitPolicies } from './rate-limit-policies';

/** Production: the Redis-backed ports, shared by every API process. */
/** `subscriber` is a second connection: a connection in pub/sub mode can run nothing else. */
export function redisModule(client: RedisClient, subscriber: RedisClient, config: Config): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(REDIS).toConstantValue(client);
    bind(HealthProbe).toConstantValue(new RedisHealthProbe(client));
    bind(EventBus).toConstantValue(new RedisEventBus(client, subscriber, config.redisKeyPrefix));
    bind(RateLimiter).toConstantValue(new FlexibleRateLimiter(rateLimitPolicies(config), { client, keyPrefix: config.redisKeyPrefix }));
  });
}
