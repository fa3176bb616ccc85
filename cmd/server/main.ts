import 'reflect-metadata';
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, loadDotEnv, type Config } from '../../internal/config/config';
import { HttpApp } from '../../internal/controller/http-app';
import { createHttpServer } from '../../internal/controller/http-server';
import { StreamHub } from '../../internal/service/stream-hub';
import { runPrimary } from './cluster';
import { buildRuntime } from './container';

// In-flight requests get this long to finish after SIGTERM before the process exits anyway.
const SHUTDOWN_GRACE_MS = 10_000;

function readConfig(): Config {
  try {
    loadDotEnv();
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    runPrimary(config.workers, (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields, timestamp: new Date().toISOString() })));
    return;
  }
  const runtime = await buildRuntime(config);
  const { logger } = runtime;
  if (config.jwtSecretIsDefault) {
    logger.warn('JWT_SECRET is not set: using the development secret; never do this in production');
  }
  if (config.databaseUrl && !config.redisUrl) {
    logger.warn('DATABASE_URL without REDIS_URL: holds and queues live in this process only; run one process');
  }

  const server: Server = createHttpServer(runtime.container.get(HttpApp).build());
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info('listening', { url: `http://${config.host}:${port}`, port, ...runtime.storage });
  });
  runtime.startJobs();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // Stop accepting; requests in flight finish. Their keep-alive sockets would keep close() waiting, so
    // answers now say Connection: close and idle sockets are closed as they appear.
    server.on('request', (_req, res) => res.setHeader('Connection', 'close'));
    // Live streams never finish by themselves; clients reconnect to another process with Last-Event-ID.
    runtime.container.get(StreamHub).closeAll();
    const idleCloser = setInterval(() => server.closeIdleConnections(), 100);
    server.close(async () => {
      clearInterval(idleCloser);
      await runtime.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`onsale failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
