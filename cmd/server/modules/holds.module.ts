import { ContainerModule } from 'inversify';
import { Clock } from '../../../lib/adapter/clock';
import { HoldStore } from '../../../lib/adapter/hold-store';
import { Config } from '../../../internal/config/config';
import { Controller } from '../../../internal/controller/controller';
import { HoldController } from '../../../internal/controller/hold.controller';
import { HoldService } from '../../../internal/service/hold.service';
import { MemoryHoldStore } from '../../../pkg/memory/memory-hold-store';
import type { RedisClient } from '../../../pkg/redis/client';
import { RedisHoldStore } from '../../../pkg/redis/redis-hold-store';

/** Seat holds: the Redis store shared by every process, or the in-process one in embedded mode. */
export function holdsModule(redis: RedisClient | null): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(HoldStore).toResolvedValue(
      (config: Config, clock: Clock) => (redis ? new RedisHoldStore(redis, config.redisKeyPrefix) : new MemoryHoldStore(clock)),
      [Config, Clock],
    );
    bind(HoldService).toSelf();
    bind(Controller).to(HoldController);
  });
}
