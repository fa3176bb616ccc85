import { ContainerModule } from 'inversify';
import { EventBus } from '../../../lib/adapter/event-bus';
import { HealthProbe } from '../../../lib/adapter/health-probe';
import { RateLimiter } from '../../../lib/adapter/rate-limiter';
import type { Config } from '../../../internal/config/config';
import { MemoryEventBus } from '../../../pkg/memory/memory-event-bus';
import { MemoryHealthProbe } from '../../../pkg/memory/memory-health-probe';
import { FlexibleRateLimiter } from '../../../pkg/ratelimit/flexible-rate-limiter';
import { rateLimitPolicies } from './rate-limit-policies';

/** Embedded mode: in-process implementations of the Redis-backed ports (one process only). */
export function memoryModule(config: Config): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(HealthProbe).toConstantValue(new MemoryHealthProbe());
    bind(EventBus).toConstantValue(new MemoryEventBus());
    bind(RateLimiter).toConstantValue(new FlexibleRateLimiter(rateLimitPolicies(config)));
  });
}
