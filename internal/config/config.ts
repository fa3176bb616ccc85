import { existsSync } from 'node:fs';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';

export interface Config {
  port: number;
  host: string;
  /** Absent: embedded PGlite under dataDir. */
  databaseUrl: string | null;
  /** Absent: in-process implementations of the Redis-backed ports. */
  redisUrl: string | null;
  /** Every Redis key starts with it, so several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  /** REDIS_URL is one node of a Redis Cluster (REDIS_CLUSTER=on); the client finds the rest. */
  redisCluster: boolean;
  dataDir: string;
  jwtSecret: string;
  /** True when no JWT_SECRET was given and the development secret is in use. */
  jwtSecretIsDefault: boolean;
  logLevel: LogLevel;
  nodeEnv: NodeEnv;
  /** Default lifetime of a hold when the request names none. */
  holdTtlSeconds: number;
  /** How many seats (or standing places) one user may hold at once per event. */
  maxHeldPerUser: number;
  /** How long a reserved ticket waits for confirmation before it expires and frees its seat. */
  paymentWindowSeconds: number;
  /** How often the expiry sweeper and queue admission run (one process at a time). */
  jobIntervalMs: number;
  /** Browser origins allowed by CORS; empty means none (same-origin only); ['*'] means any. */
  corsOrigins: string[];
  /** Express `trust proxy`: false, true, a hop count, or addresses/subnets of trusted proxies. */
  trustProxy: boolean | number | string;
  /** Write requests allowed per window per signed-in user and per client address; 0 turns one off. */
  rateLimit: { windowSeconds: number; perUser: number; perIp: number };
  /** Idle live streams get a comment line this often, so proxies do not time them out. */
  streamHeartbeatSeconds: number;
  /** Server processes on one port (node:cluster); more than one needs DATABASE_URL and REDIS_URL. */
  workers: number;
  /** Serve the hottest routes through the lean node:http lane in front of Express (LEAN_LANE=off: Express only). */
  leanLane: boolean;
}
export const Config = Symbol.for('Config');

/** Used only outside production, with a warning at start-up; never accepted in production. */
export const DEVELOPMENT_JWT_SECRET = 'onsale-development-secret-do-not-use-in-production';
const MIN_PRODUCTION_SECRET_LENGTH = 32;

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string | null {
  const raw = text(env, name);
  if (raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return raw;
}

function corsOrigins(env: Env): string[] {
  const raw = text(env, 'CORS_ORIGINS');
  if (raw === undefined) return [];
  const origins = raw.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError('CORS_ORIGINS', `must be * or a comma-separated list of origins like https://shop.example (got "${origin}")`);
    }
  }
  return origins;
}

function trustProxy(env: Env): boolean | number | string {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 0, 100);
  // Express accepts names (loopback, linklocal, uniquelocal) and addresses/subnets, comma-separated.
  if (!/^[\w.:/,\s]+$/.test(raw)) {
    throw new ConfigError('TRUST_PROXY', `must be true, false, a hop count, or a list of proxy addresses (got "${raw}")`);
  }
  return raw;
}

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf<NodeEnv>(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const secret = text(env, 'JWT_SECRET');
  if (nodeEnv === 'production' && (secret === undefined || secret.length < MIN_PRODUCTION_SECRET_LENGTH)) {
    throw new ConfigError('JWT_SECRET', `must be set to at least ${MIN_PRODUCTION_SECRET_LENGTH} characters when NODE_ENV=production`);
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: text(env, 'REDIS_KEY_PREFIX') ?? 'onsale:',
    redisCluster: redisCluster(env),
    dataDir: text(env, 'DATA_DIR') ?? './data',
    jwtSecret: secret ?? DEVELOPMENT_JWT_SECRET,
    jwtSecretIsDefault: secret === undefined,
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', ['error', 'warn', 'info', 'debug', 'silent'], 'info'),
    nodeEnv,
    holdTtlSeconds: integer(env, 'HOLD_TTL_SECONDS', 300, 1, 900),
    maxHeldPerUser: integer(env, 'MAX_HELD_PER_USER', 10, 1, 100),
    paymentWindowSeconds: integer(env, 'PAYMENT_WINDOW_SECONDS', 600, 1, 86_400),
    jobIntervalMs: integer(env, 'JOB_INTERVAL_MS', 1_000, 50, 60_000),
    corsOrigins: corsOrigins(env),
    trustProxy: trustProxy(env),
    rateLimit: {
      windowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 10, 1, 3_600),
      perUser: integer(env, 'RATE_LIMIT_PER_USER', 30, 0, 1_000_000),
      perIp: integer(env, 'RATE_LIMIT_PER_IP', 1_000, 0, 10_000_000),
    },
    streamHeartbeatSeconds: integer(env, 'STREAM_HEARTBEAT_SECONDS', 15, 1, 300),
    workers: workers(env),
    leanLane: oneOf(env, 'LEAN_LANE', ['on', 'off'], 'on') === 'on',
  };
}

function redisCluster(env: Env): boolean {
  const on = oneOf(env, 'REDIS_CLUSTER', ['on', 'off'], 'off') === 'on';
  // Silently running on in-process stores would look like a working cluster setup until the second process.
  if (on && text(env, 'REDIS_URL') === undefined) throw new ConfigError('REDIS_CLUSTER', 'on needs REDIS_URL (a node of the cluster)');
  return on;
}

function workers(env: Env): number {
  const count = integer(env, 'WORKERS', 1, 1, 64);
  // Embedded storage lives in one process: PGlite's directory is locked to it and in-process holds
  // would not be shared, so several workers would each sell the same seats.
  if (count > 1 && (text(env, 'DATABASE_URL') === undefined || text(env, 'REDIS_URL') === undefined)) {
    throw new ConfigError('WORKERS', 'above 1 needs DATABASE_URL and REDIS_URL (embedded storage is one process)');
  }
  return count;
}

/** Loads `.env` from the working directory into process.env when present (real env vars win). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
