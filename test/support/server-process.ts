import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { clonePGliteTemplate } from './databases';
import { databaseUrl, redisCluster, redisUrl } from './services';

const MAIN = resolve(__dirname, '../../dist/cmd/server/main.js');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Every line the process printed so far. */
  output: string[];
  /** SIGTERM (or the given signal) and wait for exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the compiled server (`npm run build` first; `npm test` does it in pretest) as its own OS
 * process on a free port, and resolves once it logs that it is listening.
 */
// Generous: CI shares two cores with everything else it runs.
export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` before tests that spawn servers`);
  const child = spawn(process.execPath, [MAIN], {
    // Rate limits off unless a test sets them: concurrency tests send hundreds of requests from one address.
    // The run's Redis is a Cluster when REDIS_CLUSTER=on; a test's own Redis (faults) is a single server.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_USER: '0', RATE_LIMIT_PER_IP: '0', ...(redisCluster && env.REDIS_URL === redisUrl ? { REDIS_CLUSTER: 'on' } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  // The "listening" line is logged at info: a quieter LOG_LEVEL would hide it.
  if (env.LOG_LEVEL && env.LOG_LEVEL !== 'info' && env.LOG_LEVEL !== 'debug') throw new Error('startServerProcess needs LOG_LEVEL info or debug');
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      output.push(line);
      if (line.includes('"message":"listening"')) {
        clearTimeout(timer);
        resolveUrl(`http://127.0.0.1:${JSON.parse(line).port}`);
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output.join('\n')}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url,
    child,
    output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * The storage of this test run for a spawned server: DATABASE_URL / REDIS_URL when set, and always a
 * private copy of the migrated PGlite template for DATA_DIR (a fresh embedded database would spend seconds
 * in initdb). `dispose` deletes the copy.
 */
export function runStorageEnv(): { env: Record<string, string>; dispose(): void } {
  const data = clonePGliteTemplate();
  const env: Record<string, string> = { DATA_DIR: data.dataDir };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  if (redisUrl) env.REDIS_URL = redisUrl;
  return { env, dispose: data.dispose };
}
