import { createClient } from 'redis';

export type RedisClient = ReturnType<typeof createRedisClient>;

/** DI token of the shared node-redis client. */
export const REDIS = Symbol.for('RedisClient');

/**
 * A client that fails fast while Redis is down (no offline queue; a stalled Redis is bounded by
 * guardRedis's deadline, the only one), so a request gets 503 instead of hanging, and keeps reconnecting in the
 * background, so the service recovers by itself.
 */
export function createRedisClient(url: string, onError: (error: Error) => void) {
  const client = createClient({
    url,
    RESP: 2,
    maintNotifications: 'disabled',
    disableOfflineQueue: true,
    // No per-command timer: every call already runs under guardRedis's deadline, and node-redis's default
    // (5 s) costs an AbortSignal and a timer per command, kept alive for those 5 s.
    commandOptions: { timeout: 0 },
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
    },
  });
  client.on('error', onError);
  return client;
}
