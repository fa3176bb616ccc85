import type { InvariantReport } from './invariants';
import type { PhaseResult } from './stats';

export interface BenchReport {
  startedAt: string;
  mode: { database: 'postgres' | 'pglite'; cache: 'redis' | 'memory'; workers: number | null };
  machine: { cpus: number; cpuModel: string; loadAverageBefore: number[]; loadAverageAfter: number[]; node: string };
  options: Record<string, unknown>;
  phases: PhaseResult[];
  /** hold-storm req/s over ceiling's and express-baseline's, and the p99s side by side. */
  ratios: Record<string, number | null>;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  invariants: InvariantReport | null;
  ok: boolean;
}

const num = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function holdRatios(phases: PhaseResult[]): Record<string, number | null> {
  const find = (name: string) => phases.find((phase) => phase.phase === name);
  const hold = find('hold-storm');
  const ratio = (other: PhaseResult | undefined) => (hold && other ? hold.requestsPerSecond / other.requestsPerSecond : null);
  return {
    holdStormToCeiling: ratio(find('ceiling')),
    holdStormToExpressBaseline: ratio(find('express-baseline')),
    holdStormP99Ms: hold?.latencyMs.p99 ?? null,
    expressBaselineP99Ms: find('express-baseline')?.latencyMs.p99 ?? null,
    ceilingP99Ms: find('ceiling')?.latencyMs.p99 ?? null,
  };
}

export function renderTable(report: BenchReport): string {
  const header = ['phase', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'requests', 'status counts', 'errors'];
  const rows = report.phases.map((p) => [
    p.phase,
    num(p.requestsPerSecond),
    num(p.latencyMs.p50, 2),
    num(p.latencyMs.p95, 2),
    num(p.latencyMs.p99, 2),
    num(p.latencyMs.max, 1),
    num(p.requests),
    Object.entries(p.statusCounts).map(([status, n]) => `${status}:${n}`).join(' '),
    p.timeouts ? `${p.errors} (+${p.timeouts} time-outs)` : String(p.errors),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 || i === 7 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''];

  const withCpu = report.phases.filter((p) => p.cpu);
  if (withCpu.length > 0) {
    // Percent of one core over the phase: 200 % is this whole 2-core machine.
    const core = (ms: number, p: PhaseResult) => `${((ms / 10) / p.seconds).toFixed(0)} %`;
    out.push('CPU during each phase (% of one core; machine % is of all cores, other users included)');
    out.push(`${'phase'.padEnd(widths[0]!)}  server us/req  server  (kernel)  postgres  redis  load gen  machine`);
    for (const p of withCpu) {
      const c = p.cpu!;
      out.push(
        `${p.phase.padEnd(widths[0]!)}  ${num(c.serverUsPerRequest).padStart(13)}  ${core(c.serverMs, p).padStart(6)}  ${core(c.serverSystemMs, p).padStart(8)}  ${core(c.postgresMs, p).padStart(8)}  ${core(c.redisMs, p).padStart(5)}  ${core(c.loadGeneratorMs, p).padStart(8)}  ${`${c.machineBusyPercent.toFixed(0)} %`.padStart(7)}`,
      );
    }
    out.push('');
  }
  const r = report.ratios;
  if (r.holdStormToCeiling !== null || r.holdStormToExpressBaseline !== null) {
    const x = (value: number | null | undefined) => (value === null || value === undefined ? 'n/a' : `${value.toFixed(2)}x`);
    out.push(`hold-storm / ceiling: ${x(r.holdStormToCeiling)}   hold-storm / express-baseline: ${x(r.holdStormToExpressBaseline)}`);
  }
  const funnel = report.phases.find((p) => p.phase === 'purchase-funnel')?.extra;
  if (funnel) {
    out.push(
      `purchase-funnel: ${num(funnel.reserved as number)} reserved, ${num(funnel.confirmed as number)} confirmed of ${num(funnel.tickets as number)}; ` +
        `${num(funnel.reservedPerSecond as number)} tickets reserved/s, ${num(funnel.confirmedPerSecond as number)} confirmed/s`,
    );
    const steps = funnel.steps as Record<string, { requests: number; latencyMs: { p50: number; p99: number }; statusCounts: Record<string, number> }>;
    for (const [name, step] of Object.entries(steps)) {
      out.push(`  ${name.padEnd(17)} ${num(step.requests).padStart(7)} req  p50 ${num(step.latencyMs.p50, 2)} ms  p99 ${num(step.latencyMs.p99, 2)} ms  ${JSON.stringify(step.statusCounts)}`);
    }
  }
  for (const check of report.checks) out.push(`${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  if (report.invariants) {
    for (const check of report.invariants.checks) {
      out.push(`${check.violations === 0 ? 'PASS' : 'FAIL'}  invariant: ${check.name}${check.violations ? ` (${check.violations} violations, e.g. ${JSON.stringify(check.examples)})` : ''}`);
    }
  }
  out.push(report.ok ? 'benchmark OK' : 'benchmark FAILED');
  return out.join('\n');
}
