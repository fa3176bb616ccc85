import { randomUUID } from 'node:crypto';
import { createRedisClient, type RedisClient } from '../../pkg/redis/client';
import { redisUrl } from './services';

export interface TestRedis {
  name: 'redis';
  /** A connected client and a key prefix of its own; `close` deletes that prefix's keys, nothing else. */
  open(): Promise<{ client: RedisClient; prefix: string; close(): Promise<void> }>;
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
        const client = createRedisClient(redisUrl!, () => {});
        await client.connect();
        const prefix = `onsale-test:${randomUUID()}:`;
        return {
          client,
          prefix,
          close: async () => {
            const keys: string[] = [];
            for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1_000 })) keys.push(...batch);
            if (keys.length > 0) await client.unlink(keys);
            await client.close();
          },
        };
      },
    },
  ];
}
