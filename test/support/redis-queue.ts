import { randomUUID } from 'node:crypto';
import type { Lease } from '../../lib/adapter/lease';
import type { WaitingRoom } from '../../lib/adapter/waiting-room';
import { MemoryLease } from '../../pkg/memory/memory-lease';
import { MemoryWaitingRoom } from '../../pkg/memory/memory-waiting-room';
import { deletePrefix, type RedisClient } from '../../pkg/redis/client';
import { RedisLease } from '../../pkg/redis/redis-lease';
import { RedisWaitingRoom } from '../../pkg/redis/redis-waiting-room';
import { testRedisClient } from './redis';
import { redisUrl } from './services';

export interface QueueStores {
  room: WaitingRoom;
  lease: Lease;
  /** Set for the Redis target, so tests can inspect keys. */
  redis: { client: RedisClient; prefix: string } | null;
  close(): Promise<void>;
}

export interface QueueStoreTarget {
  name: 'memory' | 'redis';
  open(): Promise<QueueStores>;
}

/** Connects to REDIS_URL; fails loudly when it is set but unreachable. */
export async function connectTestRedis(): Promise<RedisClient> {
  const client = testRedisClient();
  await client.connect();
  return client;
}

/**
 * Every implementation the queue contracts must pass: in-process always, Redis when REDIS_URL is set.
 * Each Redis target gets its own key prefix, deleted on close.
 */
export function queueStoreTargets(): QueueStoreTarget[] {
  const targets: QueueStoreTarget[] = [
    { name: 'memory', open: async () => ({ room: new MemoryWaitingRoom(), lease: new MemoryLease(), redis: null, close: async () => {} }) },
  ];
  if (redisUrl) {
    targets.push({
      name: 'redis',
      open: async () => {
        const client = await connectTestRedis();
        const prefix = `onsale-test:${randomUUID()}:`;
        return {
          room: new RedisWaitingRoom(client, prefix),
          lease: new RedisLease(client, prefix),
          redis: { client, prefix },
          close: async () => {
            await deletePrefix(client, prefix);
            await client.close();
          },
        };
      },
    });
  }
  return targets;
}
