import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { buildRuntime, type Runtime } from '../../cmd/server/container';
import { DEVELOPMENT_JWT_SECRET, type Config } from '../../internal/config/config';
import { HttpApp, type HttpHandler } from '../../internal/controller/http-app';
import { createHttpServer } from '../../internal/controller/http-server';
import type { Role } from '../../lib/domain/principal';
import { signToken } from '../../pkg/jwt/sign-token';
import { clonePGliteTemplate } from './databases';
import { databaseUrl, redisCluster, redisUrl } from './services';

export interface TestApp {
  /** The lean lane in front of Express, as the server runs it (`app.express` is Express alone). */
  app: HttpHandler;
  http: ReturnType<typeof supertest>;
  runtime: Runtime;
  /** A bearer header value for `userId` with `role`. */
  auth(userId: string, role?: Role): Promise<string>;
  admin(): Promise<string>;
  /** Serves the app on a real loopback port (for truly concurrent requests and streams); closed by close(). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The two ways into the hot routes; suites of those routes run once per way. */
export const BOTH_PATHS: ReadonlyArray<[string, Partial<Config>]> = [
  ['lean lane', { leanLane: true }],
  ['Express only', { leanLane: false }],
];

/**
 * The real application over real storage: Postgres and Redis when the environment names them,
 * otherwise a private PGlite copy and in-process stores. Each test app gets its own Redis key prefix.
 */
export async function startTestApp(overrides: Partial<Config> = {}, options: { jobs?: boolean } = {}): Promise<TestApp> {
  const usesPostgres = (overrides.databaseUrl !== undefined ? overrides.databaseUrl : databaseUrl) !== null;
  const clone = usesPostgres || overrides.dataDir ? null : clonePGliteTemplate();
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl,
    redisUrl,
    // The run's Redis may be a Cluster; a test's own Redis (overrides.redisUrl) is a single server.
    redisCluster: overrides.redisUrl === undefined && redisCluster,
    redisKeyPrefix: `onsale-test:${randomUUID()}:`,
    dataDir: clone?.dataDir ?? '',
    jwtSecret: DEVELOPMENT_JWT_SECRET,
    jwtSecretIsDefault: true,
    logLevel: (process.env.LOG_LEVEL as Config['logLevel']) ?? 'silent',
    nodeEnv: 'test',
    holdTtlSeconds: 300,
    maxHeldPerUser: 10,
    paymentWindowSeconds: 600,
    jobIntervalMs: 200,
    corsOrigins: [],
    trustProxy: false,
    // Concurrency tests send hundreds of requests from one address; rate-limit tests set their own.
    rateLimit: { windowSeconds: 10, perUser: 0, perIp: 0 },
    streamHeartbeatSeconds: 15,
    workers: 1,
    leanLane: true,
    ...overrides,
  };
  const runtime = await buildRuntime(config);
  if (options.jobs ?? true) runtime.startJobs();
  const app = runtime.container.get(HttpApp).build();
  let server: Server | undefined;
  const auth = async (userId: string, role: Role = 'user') =>
    `Bearer ${await signToken(config.jwtSecret, { userId, role })}`;
  return {
    app,
    http: supertest(app),
    runtime,
    auth,
    admin: () => auth(`admin-${randomUUID()}`, 'admin'),
    listen: async () => {
      server ??= createHttpServer(app).listen(0, '127.0.0.1');
      if (!server.listening) await new Promise((resolve) => server!.once('listening', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: async () => {
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server!.close(resolve));
      }
      await runtime.close();
      clone?.dispose();
    },
  };
}
