import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signToken } from '../../pkg/jwt/sign-token';
import { createRedisClient, deletePrefix } from '../../pkg/redis/client';
import { checkInvariants } from './invariants';
import { parseOptions } from './options';
import { runPhase, serverErrorCheck, type Check, type PhaseContext } from './phases';
import { SERVER_NODE_FLAGS, startProcess } from './processes';
import { renderProfile, summarizeProfiles } from './profile-summary';
import { holdRatios, renderTable, type BenchReport } from './report';
import { seed } from './seed';
import type { PhaseResult } from './stats';

/**
 * `npm run bench`: starts the API as its own process (embedded, or on DATABASE_URL / REDIS_URL), seeds it
 * through the API, runs the phases of issue 7 with a load generator in another process, stops the server,
 * checks the invariants in SQL, and writes a table to stdout and JSON to bench-results/. Exits 1 when an
 * invariant or a fatal check breaks. docs/benchmarks.md explains the phases and records runs.
 */
const MAIN_JS = resolve(__dirname, '../server/main.js');

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  // Our own prefix only: the Redis is shared (never FLUSHDB).
  const client = createRedisClient(redisUrl, () => {});
  await client.connect();
  await deletePrefix(client, prefix);
  await client.close();
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const databaseUrl = process.env.DATABASE_URL || null;
  const redisUrl = process.env.REDIS_URL || null;
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const tmpDir = mkdtempSync(join(tmpdir(), 'onsale-bench-'));
  const dataDir = join(tmpDir, 'data');
  const prefix = `onsale-bench-${stamp}-${randomBytes(3).toString('hex')}:`;
  // A production-like server: NODE_ENV=production needs a real secret, so each run makes one.
  const jwtSecret = randomBytes(32).toString('hex');
  const outDir = resolve(options.outDir);
  const profileDir = join(outDir, `${stamp}-profile`);
  mkdirSync(outDir, { recursive: true });
  const mode = { database: databaseUrl ? ('postgres' as const) : ('pglite' as const), cache: redisUrl ? ('redis' as const) : ('memory' as const), workers: options.workers };
  console.log(`onsale bench: ${mode.database} + ${mode.cache}${options.workers ? `, WORKERS=${options.workers}` : ''}; phases ${options.phases.join(', ')}; ${options.connections} connections, ${options.users} users, ${options.duration} s per timed phase`);
  const loadBefore = loadavg();

  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    // info is the production default: access logs stay on, as the issue asks of the hot path.
    LOG_LEVEL: 'info',
    JWT_SECRET: jwtSecret,
    // One load generator address sends everything: limits would measure themselves.
    RATE_LIMIT_PER_USER: '0',
    RATE_LIMIT_PER_IP: '0',
    DATA_DIR: dataDir,
    REDIS_KEY_PREFIX: `${prefix}api:`,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...(options.workers ? { WORKERS: String(options.workers) } : {}),
  };
  const nodeFlags = [...SERVER_NODE_FLAGS, ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const server = await startProcess(MAIN_JS, env, join(tmpDir, 'server.log'), nodeFlags);
  const results: PhaseResult[] = [];
  const checks: Check[] = [];
  let eventIds: string[] = [];
  try {
    const adminToken = await signToken(jwtSecret, { userId: 'bench-admin', role: 'admin' }, 6 * 3600);
    const seeded = await seed(server.url, adminToken, options.seats, options.capacity, stamp);
    eventIds = [seeded.seatedEventId, seeded.standingEventId, seeded.queuedEventId];
    const ctx: PhaseContext = {
      options, apiUrl: server.url, apiPid: server.child.pid!, adminToken, jwtSecret, seeded, tmpDir, distDir: __dirname, profileDir: options.profile ? profileDir : null,
      sideEnv: (name): Record<string, string> => (redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${prefix}${name}:` } : {}),
    };
    for (const phase of options.phases) {
      process.stdout.write(`${phase}... `);
      const outcome = await runPhase(phase, ctx);
      results.push(...outcome.results);
      checks.push(...outcome.checks);
      console.log(outcome.results.map((r) => `${r.phase} ${r.requestsPerSecond.toFixed(0)} req/s p99 ${r.latencyMs.p99.toFixed(1)} ms`).join('; '));
    }
  } finally {
    const code = await server.stop();
    if (code !== 0) checks.push({ name: 'server stopped cleanly', ok: false, detail: `exit code ${code}; log in ${tmpDir}/server.log`, fatal: false });
  }
  checks.push(serverErrorCheck(results));

  const invariants = eventIds.length ? await checkInvariants(databaseUrl ? { databaseUrl } : { dataDir }, eventIds) : null;
  if (redisUrl) await deleteKeys(redisUrl, prefix);

  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    mode,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverageBefore: loadBefore, loadAverageAfter: loadavg(), node: process.version },
    options: { ...options },
    phases: results,
    ratios: holdRatios(results),
    checks,
    invariants,
    ok: checks.every((check) => check.ok || !check.fatal) && (invariants?.ok ?? true),
  };
  console.log(`\n${renderTable(report)}`);
  if (options.profile) printProfiles(profileDir, results);
  const file = join(outDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${file}${options.keep ? `; server log and data: ${tmpDir}` : ''}`);
  if (!options.keep) rmSync(tmpDir, { recursive: true, force: true });
  process.exitCode = report.ok ? 0 : 1;
}

/**
 * One summary per phase, cut by the phase's window from the profile(s) of the server it loaded: the API's
 * at the top of profileDir, a reference server's in the folder named for its phase.
 */
function printProfiles(profileDir: string, results: PhaseResult[]): void {
  const profilesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).map((name) => join(dir, name)) : []);
  for (const result of results) {
    const own = join(profileDir, result.phase);
    const files = result.phase === 'ceiling' || result.phase === 'express-baseline' ? profilesIn(own) : profilesIn(profileDir);
    if (!files.length) continue;
    const summary = summarizeProfiles(files, { ...result.window, requests: result.requests });
    console.log(`\n${renderProfile(result.phase, summary)}`);
    writeFileSync(join(profileDir, `${result.phase.replace(/[^\w-]/g, '_')}.summary.json`), `${JSON.stringify(summary, null, 2)}\n`);
  }
  console.log(`\nprofiles: ${profileDir} (open the .cpuprofile files in Chrome DevTools > Performance)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
