import type { HealthProbe } from '../../lib/adapter/health-probe';
import type { RedisClient } from './client';

export class RedisHealthProbe implements HealthProbe {
  readonly name = 'cache';
  constructor(private readonly client: RedisClient) {}

  async check(): Promise<void> {
    if (!this.client.isReady) throw new Error('redis is not connected');
    await this.client.ping();
  }
}
