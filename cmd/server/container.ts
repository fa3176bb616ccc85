import 'reflect-metadata';
import { Container } from 'inversify';
import { Logger } from '../../lib/adapter/logger';
import { TokenVerifier } from '../../lib/adapter/token-verifier';
import { Config } from '../../internal/config/config';
import { BackgroundJob } from '../../internal/service/background-job';
import { JoseTokenVerifier } from '../../pkg/jwt/jose-token-verifier';
import { openPGlite, openPostgres, type DatabaseHandle } from '../../pkg/postgres/database';
import { migrateToLatest } from '../../pkg/postgres/migrate';
import { createRedisClient, type RedisClient } from '../../pkg/redis/client';
import { WinstonLogger } from '../../pkg/winston/winston-logger';
import { coreModule } from './modules/core.module';
import { holdsModule } from './modules/holds.module';
import { memoryModule } from './modules/memory.module';
import { postgresModule } from './modules/postgres.module';
import { queueModule } from './modules/queue.module';
import { redisModule } from './modules/redis.module';
import { ticketsModule } from './modules/tickets.module';

export interface Runtime {
  container: Container;
  config: Config;
  logger: Logger;
  storage: { database: DatabaseHandle['kind']; cache: 'redis' | 'memory' };
  /** The Redis client in production mode (tests use it to inspect or disturb Redis). */
  redis: RedisClient | null;
  /** Starts every bound BackgroundJob (the server does; tests that need them do). */
  startJobs(): void;
  /** Stops jobs, then closes clients and pools and releases the embedded data directory. */
  close(): Promise<void>;
}

const REDIS_CONNECT_TIMEOUT_MS = 5_000;

async function connectRedis(url: string, cluster: boolean, logger: Logger): Promise<RedisClient> {
  let lastError = '';
  const onError = (error: Error) => {
    // node-redis reports every failed reconnect; log each distinct failure once.
    if (error.message !== lastError) logger.warn('redis connection error', { error: error.message });
    lastError = error.message;
  };
  const onReady = () => {
    if (lastError) logger.info('redis connection restored');
    lastError = '';
  };
  const client = createRedisClient(url, onError, { cluster, onReady });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`could not reach Redis at ${url} within ${REDIS_CONNECT_TIMEOUT_MS} ms`)), REDIS_CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** Migrations may outlast a request's statement deadline: on Postgres they get a connection without one. */
async function migrate(config: Config, database: DatabaseHandle): Promise<void> {
  if (!config.databaseUrl) {
    await migrateToLatest(database.db);
    return;
  }
  const own = openPostgres(config.databaseUrl, { poolSize: 1, queryTimeoutMs: 0 });
  try {
    await migrateToLatest(own.db);
  } finally {
    await own.close();
  }
}

/**
 * THE composition root: the only place that picks implementations. No DATABASE_URL means embedded PGlite;
 * no REDIS_URL means the in-process implementations of the Redis-backed ports.
 */
export async function buildRuntime(config: Config, logger: Logger = new WinstonLogger(config.logLevel)): Promise<Runtime> {
  const database = config.databaseUrl
    ? openPostgres(config.databaseUrl, { onIdleError: (error) => logger.warn('idle database client error', { error: error.message }) })
    : await openPGlite(config.dataDir);
  let redis: RedisClient | null = null;
  let subscriber: RedisClient | null = null;
  try {
    await migrate(config, database);
    redis = config.redisUrl ? await connectRedis(config.redisUrl, config.redisCluster, logger) : null;
    subscriber = config.redisUrl ? await connectRedis(config.redisUrl, config.redisCluster, logger) : null;
  } catch (error) {
    redis?.destroy();
    await database.close();
    throw error;
  }

  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(Config).toConstantValue(config);
  container.bind(Logger).toConstantValue(logger);
  container.bind(TokenVerifier).toConstantValue(new JoseTokenVerifier(config.jwtSecret));
  container.load(coreModule, postgresModule(database), redis && subscriber ? redisModule(redis, subscriber, config) : memoryModule(config), holdsModule(redis), ticketsModule, queueModule(redis));

  const jobs = container.isBound(BackgroundJob) ? container.getAll<BackgroundJob>(BackgroundJob) : [];
  let started = false;
  return {
    container,
    config,
    logger,
    storage: { database: database.kind, cache: redis ? 'redis' : 'memory' },
    redis,
    startJobs: () => {
      if (started) return;
      started = true;
      for (const job of jobs) job.start();
    },
    close: async () => {
      await Promise.all(jobs.map((job) => job.stop()));
      if (subscriber?.isOpen) await subscriber.close();
      if (redis?.isOpen) await redis.close();
      await database.close();
    },
  };
}
