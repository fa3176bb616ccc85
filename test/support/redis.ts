import { randomUUID } from 'node:crypto';
import { createRedisClient, deletePrefix, type RedisClient } from '../../pkg/redis/client';
import { redisCluster, redisUrl } from './services';

export interface TestRedis {
  name: 'redis';
  /** A connected client and a key prefix of its own; `close` deletes that prefix's keys, nothing else. */
  open(): Promise<{ client: RedisClient; prefix: string; close(): Promise<void> }>;
}

/** A client of the test run's Redis (REDIS_URL, a Cluster when REDIS_CLUSTER=on); not connected yet. */
export function testRedisClient(): RedisClient {
  return createRedisClient(redisUrl!, () => {}, { cluster: redisCluster });
}

/**
 * The real Redis when REDIS_URL is set (CI's second run), else nothing: suites that list it run against it
 * as well as their in-process variant. The shared server is never flushed; each open gets a unique prefix.
 */
export function testRedis(): TestRedis[] {
  if (!redisUrl) return [];
  return [
    {
      name: 'redis',
      open: async () => {
        const client = testRedisClient();
        await client.connect();
        const prefix = `onsale-test:${randomUUID()}:`;
        return {
          client,
          prefix,
          close: async () => {
            await deletePrefix(client, prefix);
            await client.close();
          },
        };
      },
    },
  ];
}
