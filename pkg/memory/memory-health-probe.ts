import type { HealthProbe } from '../../lib/adapter/health-probe';

/** The in-process cache lives in this process: it is up whenever we can answer. */
export class MemoryHealthProbe implements HealthProbe {
  readonly name = 'cache';
  async check(): Promise<void> {}
}
