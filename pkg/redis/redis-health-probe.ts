import type { HealthProbe } from '../../lib/adapter/health-probe';
import { isCluster, type RedisClient } from './client';

export class RedisHealthProbe implements HealthProbe {
  readonly name = 'cache';
  constructor(private readonly client: RedisClient) {}

  async check(): Promise<void> {
    const client = this.client;
    if (!client.isReady) throw new Error('redis is not connected');
    if (!isCluster(client)) {
      await client.ping();
      return;
    }
    // A Cluster is down for this process only when no master answers. With one master down the others'
    // events still sell, and the failing calls answer 503 themselves; a balancer that drained every
    // process on a partial outage would make it total.
    await Promise.any(client.masters.map(async (master) => (await client.nodeClient(master)).ping())).catch((error: AggregateError) => {
      throw new Error(`no master of the redis cluster answers: ${String(error.errors[0])}`);
    });
  }
}
