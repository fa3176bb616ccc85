import { injectable, multiInject } from 'inversify';
import { HealthProbe } from '../../lib/adapter/health-probe';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, 'ok' | 'unavailable'>;
}

// A probe that has not answered by then counts as down: /health must answer fast when a dependency hangs.
const PROBE_TIMEOUT_MS = 1_000;

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@injectable()
export class HealthService {
  constructor(@multiInject(HealthProbe) private readonly probes: HealthProbe[]) {}

  async check(): Promise<HealthReport> {
    const results = await Promise.all(
      this.probes.map(async (probe) => {
        try {
          await withTimeout(probe.check(), PROBE_TIMEOUT_MS);
          return [probe.name, 'ok'] as const;
        } catch {
          return [probe.name, 'unavailable'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    return { status: results.every(([, state]) => state === 'ok') ? 'ok' : 'unavailable', checks };
  }
}
