import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuUse, snapshot, type CpuSnapshot } from './cpu';
import type { LoadSpec } from './load-spec';
import type { BenchOptions, Phase } from './options';
import { runLoad, SERVER_NODE_FLAGS, startProcess } from './processes';
import { releaseHolds, type Seeded } from './seed';
import type { PhaseResult } from './stats';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** A failed fatal check fails the run; the others are printed as warnings. */
  fatal: boolean;
}

export interface PhaseContext {
  options: BenchOptions;
  apiUrl: string;
  apiPid: number;
  adminToken: string;
  jwtSecret: string;
  seeded: Seeded;
  /** Environment for the ceiling and baseline servers: Redis URL and a key prefix of their own, or nothing. */
  sideEnv(name: string): Record<string, string>;
  tmpDir: string;
  distDir: string;
  /** With --profile: where CPU profiles go (the API's at the top, each reference server's in a folder named for its phase). */
  profileDir: string | null;
}

const HOT_SEATS = 10;

/** Runs a load process and attaches, to each result, the CPU each process used during its interval. */
async function load(worker: string, spec: LoadSpec, serverPid: number): Promise<PhaseResult[]> {
  const started = new Map<string, CpuSnapshot>();
  const intervals = new Map<string, { before: CpuSnapshot; after: CpuSnapshot; loadPid: number }>();
  const results = await runLoad(worker, spec, ({ mark, phase }, loadPid) => {
    const now = snapshot();
    if (!now) return;
    if (mark === 'start') started.set(phase, now);
    else if (started.has(phase)) intervals.set(phase, { before: started.get(phase)!, after: now, loadPid });
  });
  for (const result of results) {
    const interval = intervals.get(result.phase);
    if (interval) result.cpu = cpuUse(interval.before, interval.after, serverPid, interval.loadPid, result.requests);
  }
  return results;
}

/** Runs one phase (a load process against the API, or against a bench server it starts) and checks it. */
export async function runPhase(phase: Phase, ctx: PhaseContext): Promise<{ results: PhaseResult[]; checks: Check[] }> {
  const { options, seeded } = ctx;
  const worker = join(ctx.distDir, 'load-worker.js');
  const common = { connections: options.connections, jwtSecret: ctx.jwtSecret };
  const users = { prefix: 'bench-user-', count: options.users };
  const storm = (phaseName: string, url: string, pid: number) =>
    load(worker, { kind: 'hold-storm', phase: phaseName, url, ...common, seconds: options.duration, warmupSeconds: options.warmup, users, eventId: seeded.seatedEventId, seatIds: seeded.seatIds, ttlSeconds: options.holdTtl }, pid);

  switch (phase) {
    case 'ceiling':
    case 'express-baseline': {
      const script = join(ctx.distDir, phase === 'ceiling' ? 'ceiling-server.js' : 'express-baseline.js');
      const flags = ctx.profileDir ? [...SERVER_NODE_FLAGS, '--cpu-prof', `--cpu-prof-dir=${join(ctx.profileDir, phase)}`] : SERVER_NODE_FLAGS;
      const server = await startProcess(script, { PORT: '0', ...ctx.sideEnv(phase) }, join(ctx.tmpDir, `${phase}.log`), flags);
      try {
        return { results: await storm(phase, server.url, server.child.pid!), checks: [] };
      } finally {
        await server.stop();
      }
    }
    case 'hold-storm': {
      const results = await storm(phase, ctx.apiUrl, ctx.apiPid);
      // Let the storm's short holds lapse before a phase that needs those seats free.
      await sleep(options.holdTtl * 1000 + 500);
      return { results, checks: [] };
    }
    case 'hot-seat': {
      const seatIds = seeded.seatIds.slice(0, HOT_SEATS);
      const results = await load(worker, { kind: 'hot-seat', url: ctx.apiUrl, ...common, users: { prefix: 'bench-hot-', count: options.users }, eventId: seeded.seatedEventId, seatIds, ttlSeconds: 300 }, ctx.apiPid);
      const result = results[0]!;
      const winners = (result.extra?.winners ?? []) as Array<{ hold_id: string; seat_id: string }>;
      const distinctSeats = new Set(winners.map((winner) => winner.seat_id)).size;
      const losers = result.statusCounts['409'] ?? 0;
      const ok = winners.length === HOT_SEATS && distinctSeats === HOT_SEATS && losers === options.users - HOT_SEATS;
      // The winners' holds would keep those seats out of the funnel for 5 minutes.
      await releaseHolds(ctx.apiUrl, ctx.adminToken, winners.map((winner) => winner.hold_id));
      result.extra = { winners: winners.length, distinctSeats, losers };
      const detail = `${winners.length} winners on ${distinctSeats} distinct seats, ${losers} refused with 409, of ${options.users} users`;
      return { results, checks: [{ name: `hot-seat: exactly ${HOT_SEATS} winners`, ok, detail, fatal: true }] };
    }
    case 'purchase-funnel': {
      const results = await load(worker, {
          kind: 'purchase-funnel', url: ctx.apiUrl, ...common, users: { prefix: 'bench-buyer-', count: options.users },
          seatedEventId: seeded.seatedEventId, seatIds: seeded.seatIds, standingEventId: seeded.standingEventId, capacity: seeded.capacity, maxSeconds: options.funnelTimeout,
        }, ctx.apiPid);
      const extra = results[0]!.extra!;
      const detail = `${extra.reserved} reserved, ${extra.confirmed} confirmed, ${extra.unsold} unsold of ${extra.tickets}`;
      return { results, checks: [{ name: 'purchase-funnel: sold out', ok: extra.soldOut === true && extra.unconfirmed === 0, detail, fatal: true }] };
    }
    case 'queue': {
      const results = await load(worker, { kind: 'queue', url: ctx.apiUrl, ...common, users: { prefix: 'bench-fan-', count: options.queueDepth }, eventId: seeded.queuedEventId, seconds: options.duration, pacedRate: options.queueRate }, ctx.apiPid);
      const [joins, ...lookups] = results as [PhaseResult, PhaseResult, PhaseResult];
      const joined = joins.statusCounts['201'] ?? 0;
      const found = lookups.reduce((sum, r) => sum + (r.statusCounts['200'] ?? 0), 0);
      const asked = lookups.reduce((sum, r) => sum + r.requests, 0);
      return {
        results,
        checks: [
          { name: `queue: ${options.queueDepth} joins`, ok: joined === options.queueDepth, detail: `${joined} answered 201`, fatal: true },
          { name: 'queue: every look-up found its buyer', ok: found === asked, detail: `${found} of ${asked} answered 200`, fatal: true },
        ],
      };
    }
  }
}

/** Any 5xx or connection error in any phase: not an invariant, but worth a look. */
export function serverErrorCheck(results: PhaseResult[]): Check {
  const bad = results
    .map((r) => ({ phase: r.phase, n: Object.entries(r.statusCounts).reduce((sum, [s, n]) => (s.startsWith('5') ? sum + n : sum), 0) + r.errors + r.timeouts }))
    .filter((r) => r.n > 0);
  return { name: 'no 5xx, errors or time-outs', ok: bad.length === 0, detail: bad.length ? bad.map((r) => `${r.phase}: ${r.n}`).join(', ') : 'none', fatal: false };
}
