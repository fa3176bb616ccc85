import cluster, { type Worker } from 'node:cluster';

// A worker that dies this soon after starting is failing to start: do not fork it again in a loop.
const CRASH_LOOP_MS = 5_000;

/**
 * The primary of WORKERS=N: forks N server processes sharing one port (node:cluster hands connections
 * out round-robin), replaces a worker that dies, and on SIGTERM/SIGINT passes the signal on and exits
 * once every worker has drained. Background jobs need nothing here: each run takes its own lease or lock.
 */
export function runPrimary(workers: number, log: (message: string, fields?: Record<string, unknown>) => void): void {
  let stopping = false;
  const started = new Map<number, number>();
  const fork = () => {
    const worker = cluster.fork();
    started.set(worker.id, Date.now());
  };
  cluster.on('exit', (worker: Worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log('worker exited', { worker: worker.process.pid, code, signal, lived_ms: lived });
    if (lived < CRASH_LOOP_MS) {
      log('worker failed during start-up; stopping');
      process.exit(1);
    }
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log('shutting down workers', { signal });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < workers; i += 1) fork();
}
