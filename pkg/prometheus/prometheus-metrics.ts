import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HoldMetric, Metrics } from '../../lib/adapter/metrics';

/** Metrics in a registry of their own (several apps can live in one process, as in tests). */
export class PrometheusMetrics implements Metrics {
  private readonly registry = new Registry();
  private readonly http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    // Dense below 100 ms, where the hot path should live.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly holds = new Counter({
    name: 'onsale_holds_total',
    help: 'Hold requests by result, and holds released or extended.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly tickets = new Counter({
    name: 'onsale_tickets_total',
    help: 'Tickets entering each status.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  private readonly joins = new Counter({ name: 'onsale_queue_joins_total', help: 'Buyers who joined a waiting room.', registers: [this.registry] });
  private readonly admissions = new Counter({ name: 'onsale_queue_admissions_total', help: 'Buyers admitted from a waiting room.', registers: [this.registry] });
  // Label sets are few (route patterns x statuses); resolving each once spares a label hash per request.
  private readonly httpSeries = new Map<string, { observe(value: number): void }>();
  private readonly streams = new Gauge({ name: 'onsale_stream_clients', help: 'Connected live-stream clients in this process.', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.httpSeries.get(key);
    if (series === undefined) this.httpSeries.set(key, (series = this.http.labels({ method, route, status: String(status) })));
    series.observe(seconds);
  }
  hold(outcome: HoldMetric, count = 1): void {
    this.holds.inc({ result: outcome }, count);
  }
  ticket(status: string, count = 1): void {
    this.tickets.inc({ status }, count);
  }
  queueJoined(): void {
    this.joins.inc();
  }
  queueAdmitted(count: number): void {
    if (count > 0) this.admissions.inc(count);
  }
  streamClients(delta: number): void {
    this.streams.inc(delta);
  }
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
