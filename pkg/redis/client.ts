import { createClient, createCluster } from 'redis';

/** The node-redis client of one Redis server, or of a Redis Cluster (REDIS_CLUSTER=on). */
export type RedisClient = ReturnType<typeof createSingle> | ReturnType<typeof createClusterClient>;

/** DI token of the shared node-redis client. */
export const REDIS = Symbol.for('RedisClient');

export interface RedisOptions {
  /** `url` is one node of a Redis Cluster: the client learns the others and routes each key to its slot. */
  cluster?: boolean;
  /** The connection is (again) ready: on a Cluster, each time one of its nodes is. */
  onReady?: () => void;
}

// Fails fast while Redis is down (no offline queue; a stalled Redis is bounded by guardRedis's deadline,
// the only one), so a request gets 503 instead of hanging, and keeps reconnecting in the background.
const CLIENT_OPTIONS = {
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
} as const;

function createSingle(url: string) {
  return createClient({ url, ...CLIENT_OPTIONS });
}

function createClusterClient(url: string) {
  const { RESP, ...defaults } = CLIENT_OPTIONS;
  // Connected to every master from the start, so a call for a master that goes down fails at once (503)
  // instead of waiting on a connection. The price: connect() waits for every master (docs/operations.md).
  return createCluster({ rootNodes: [{ url }], RESP, defaults });
}

/** A client for the Redis at `url` (or the Cluster it belongs to); not connected yet. */
export function createRedisClient(url: string, onError: (error: Error) => void, options: RedisOptions = {}): RedisClient {
  const client = options.cluster ? createClusterClient(url) : createSingle(url);
  client.on('error', onError);
  // A Cluster reports its nodes' connection errors and recoveries under their own names.
  if (options.cluster) client.on('node-error', onError);
  if (options.onReady) client.on(options.cluster ? 'node-ready' : 'ready', options.onReady);
  return client;
}

export function isCluster(client: RedisClient): client is ReturnType<typeof createClusterClient> {
  return 'masters' in client;
}

/**
 * Every key under `prefix`, in batches (SCAN walks one server, so on a Cluster it walks each master).
 * For clean-ups and tools only: it is O(keys of the server), never for a request.
 */
export async function* scanPrefix(client: RedisClient, prefix: string): AsyncGenerator<string[]> {
  const servers = isCluster(client) ? await Promise.all(client.masters.map((node) => client.nodeClient(node))) : [client];
  for (const server of servers) {
    for await (const keys of server.scanIterator({ MATCH: `${prefix}*`, COUNT: 1_000 })) if (keys.length > 0) yield keys;
  }
}

/** Deletes every key under `prefix` (never FLUSHDB: the server may be shared); how many it deleted. */
export async function deletePrefix(client: RedisClient, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of scanPrefix(client, prefix)) {
    // A multi-key UNLINK must stay within one slot on a Cluster, and a scan's batch spans many.
    if (isCluster(client)) deleted += (await Promise.all(keys.map((key) => client.unlink(key)))).reduce((sum, n) => sum + n, 0);
    else deleted += await client.unlink(keys);
  }
  return deleted;
}
