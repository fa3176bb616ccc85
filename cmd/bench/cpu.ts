import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time by process from /proc (Linux), sampled at the start and end of each measured interval. A CPU
 * profile samples wall time, so on a busy 2-core box it charges to a syscall the time the kernel spent
 * running Postgres or Redis instead; these counters say how much CPU each process really used.
 */
interface Proc {
  comm: string;
  ppid: number;
  /** utime + stime, in clock ticks */
  ticks: number;
  /** stime alone: kernel time (socket writes and reads, mostly) */
  systemTicks: number;
}
export interface CpuSnapshot {
  procs: Map<number, Proc>;
  /** Machine-wide [busy, total] ticks from /proc/stat. */
  machine: [number, number];
  at: number;
}

export interface CpuUse {
  /** CPU ms used during the interval, by role. */
  serverMs: number;
  /** The kernel's part of serverMs (system time): sockets to clients, Postgres and Redis. */
  serverSystemMs: number;
  postgresMs: number;
  redisMs: number;
  loadGeneratorMs: number;
  /** Share of all cores busy, machine-wide (other engineers' processes included). */
  machineBusyPercent: number;
  /** Server CPU per completed request: the number that a faster hot path lowers. */
  serverUsPerRequest: number;
}

// USER_HZ: 100 on every Linux this runs on; /proc reports ticks of 1/USER_HZ s.
const TICK_MS = 10;

export function snapshot(): CpuSnapshot | null {
  try {
    const procs = new Map<number, Proc>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // comm is in parentheses and may contain spaces: split after the last ')'.
        const close = stat.lastIndexOf(')');
        const fields = stat.slice(close + 2).split(' ');
        procs.set(Number(name), { comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), systemTicks: Number(fields[12]) });
      } catch {
        // exited between readdir and read
      }
    }
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((sum, n) => sum + n, 0);
    return { procs, machine: [total - cpu[3]! - cpu[4]!, total], at: Date.now() };
  } catch {
    return null; // not Linux: the figures are simply left out
  }
}

/** Pid and every descendant (WORKERS=n forks cluster workers; a load process is one tree too). */
function tree(snap: CpuSnapshot, root: number): Set<number> {
  const pids = new Set([root]);
  let size = 0;
  while (pids.size !== size) {
    size = pids.size;
    for (const [pid, proc] of snap.procs) if (pids.has(proc.ppid)) pids.add(pid);
  }
  return pids;
}

export function cpuUse(before: CpuSnapshot, after: CpuSnapshot, serverPid: number, loadPid: number, requests: number): CpuUse {
  const used = (pids: (pid: number, proc: Proc) => boolean, field: 'ticks' | 'systemTicks' = 'ticks') => {
    let ticks = 0;
    for (const [pid, proc] of after.procs) if (pids(pid, proc)) ticks += proc[field] - (before.procs.get(pid)?.[field] ?? 0);
    return ticks * TICK_MS;
  };
  const server = tree(after, serverPid);
  const load = tree(after, loadPid);
  const serverMs = used((pid) => server.has(pid));
  const [busy, total] = [after.machine[0] - before.machine[0], after.machine[1] - before.machine[1]];
  return {
    serverMs,
    serverSystemMs: used((pid) => server.has(pid), 'systemTicks'),
    postgresMs: used((_pid, proc) => proc.comm === 'postgres'),
    redisMs: used((_pid, proc) => proc.comm.startsWith('redis-server')),
    loadGeneratorMs: used((pid) => load.has(pid)),
    machineBusyPercent: total > 0 ? (100 * busy) / total : 0,
    serverUsPerRequest: requests > 0 ? (serverMs * 1000) / requests : 0,
  };
}
