import { ContainerModule } from 'inversify';
import { HealthProbe } from '../../../lib/adapter/health-probe';
import { MemoryHealthProbe } from '../../../pkg/memory/memory-health-probe';

/** Embedded mode: in-process implementations of the Redis-backed ports (one process only). */
export function memoryModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(HealthProbe).toConstantValue(new MemoryHealthProbe());
  });
}
