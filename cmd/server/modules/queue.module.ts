import { ContainerModule } from 'inversify';
import { Lease } from '../../../lib/adapter/lease';
import { WaitingRoom } from '../../../lib/adapter/waiting-room';
import { Config } from '../../../internal/config/config';
import { Controller } from '../../../internal/controller/controller';
import { QueueController } from '../../../internal/controller/queue.controller';
import { BackgroundJob } from '../../../internal/service/background-job';
import { QueueAdmissionJob } from '../../../internal/service/queue-admission.job';
import { QueueService } from '../../../internal/service/queue.service';
import { MemoryLease } from '../../../pkg/memory/memory-lease';
import { MemoryWaitingRoom } from '../../../pkg/memory/memory-waiting-room';
import type { RedisClient } from '../../../pkg/redis/client';
import { RedisLease } from '../../../pkg/redis/redis-lease';
import { RedisWaitingRoom } from '../../../pkg/redis/redis-waiting-room';

/**
 * The virtual waiting room: Redis-backed and shared by every API process when Redis is configured,
 * in-process (one API process) otherwise. Also binds the automatic admission job and the queue routes.
 */
export function queueModule(redis: RedisClient | null): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (redis) {
      bind(WaitingRoom).toDynamicValue((context) => new RedisWaitingRoom(redis, context.get<Config>(Config).redisKeyPrefix));
      bind(Lease).toDynamicValue((context) => new RedisLease(redis, context.get<Config>(Config).redisKeyPrefix));
    } else {
      bind(WaitingRoom).toConstantValue(new MemoryWaitingRoom());
      bind(Lease).toConstantValue(new MemoryLease());
    }
    bind(QueueService).toSelf();
    bind(QueueAdmissionJob).toSelf();
    bind(BackgroundJob).toService(QueueAdmissionJob);
    bind(Controller).to(QueueController);
  });
}
