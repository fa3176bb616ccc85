import { ContainerModule } from 'inversify';
import { HealthProbe } from '../../../lib/adapter/health-probe';
import { REDIS, type RedisClient } from '../../../pkg/redis/client';
import { RedisHealthProbe } from '../../../pkg/redis/redis-health-probe';

/** Production: the Redis-backed ports, shared by every API process. */
export function redisModule(client: RedisClient): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(REDIS).toConstantValue(client);
    bind(HealthProbe).toConstantValue(new RedisHealthProbe(client));
  });
}
