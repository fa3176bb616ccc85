import type { CpuUse } from './cpu';

/**
 * What one measured phase produced. Latencies are kept raw (a float per response, at most a few hundred
 * thousand per phase) rather than in autocannon's histogram: that one has no p95 and, by default, leaves
 * non-2xx answers out, while a 409 is an ordinary answer of a hold under contention.
 */
export interface PhaseResult {
  phase: string;
  /** Completed responses per second of wall time. */
  requestsPerSecond: number;
  requests: number;
  seconds: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** Responses by HTTP status, e.g. {"201": 5123, "409": 880}. */
  statusCounts: Record<string, number>;
  /** Connection errors and time-outs (no HTTP status at all). */
  errors: number;
  timeouts: number;
  /** CLOCK_MONOTONIC microseconds (process.hrtime, the clock of V8 CPU profiles) of the measured interval. */
  window: { fromUs: number; toUs: number };
  /** CPU used by the server, Postgres, Redis and the load generator while it ran (Linux only). */
  cpu?: CpuUse;
  /** Phase-specific figures: winners, tickets per second, ratios... */
  extra?: Record<string, unknown>;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** What the load process tells main.ts (over IPC) so it can sample CPU counters at the same moments. */
export interface Mark {
  mark: 'start' | 'end';
  phase: string;
}

/**
 * Collects one latency per response plus status counts; cheap enough to call on every response. Its life
 * is the measured interval: a recorder that `announces` marks its start and end for the CPU sampling.
 */
export class Recorder {
  private latencies = new Float64Array(1 << 16);
  private count = 0;
  readonly statusCounts: Record<string, number> = {};
  errors = 0;
  timeouts = 0;
  private readonly started = performance.now();
  private readonly startedUs = monotonicUs();
  private finishedAt: number | null = null;
  private finishedUs = 0;

  constructor(
    readonly phase: string,
    private readonly announce = false,
  ) {
    if (announce) process.send?.({ mark: 'start', phase } satisfies Mark);
  }

  record(status: number, latencyMs: number): void {
    if (this.count === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.count++] = latencyMs;
    this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
  }

  /** Ends the measured interval; requests/s is counted over it, not over set-up and tear-down. */
  finish(): void {
    if (this.finishedAt !== null) return;
    this.finishedAt = performance.now();
    this.finishedUs = monotonicUs();
    if (this.announce) process.send?.({ mark: 'end', phase: this.phase } satisfies Mark);
  }

  count2xx(): number {
    return Object.entries(this.statusCounts).reduce((sum, [status, n]) => (status.startsWith('2') ? sum + n : sum), 0);
  }

  result(extra?: Record<string, unknown>): PhaseResult {
    const phase = this.phase;
    this.finish();
    const seconds = (this.finishedAt! - this.started) / 1000;
    const sorted = this.latencies.slice(0, this.count).sort();
    const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      phase,
      requestsPerSecond: this.count / seconds,
      requests: this.count,
      seconds,
      latencyMs: { p50: at(50), p95: at(95), p99: at(99), max: at(100), mean: this.count ? sum / this.count : 0 },
      statusCounts: { ...this.statusCounts },
      errors: this.errors,
      timeouts: this.timeouts,
      window: { fromUs: this.startedUs, toUs: this.finishedUs },
      ...(extra ? { extra } : {}),
    };
  }
}
