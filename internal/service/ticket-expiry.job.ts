import { inject, injectable } from 'inversify';
import { Clock } from '../../lib/adapter/clock';
import { Logger } from '../../lib/adapter/logger';
import { Metrics } from '../../lib/adapter/metrics';
import { IdempotencyStore } from '../../lib/repository/idempotency-store';
import { TicketRepository } from '../../lib/repository/ticket-repository';
import { Config } from '../config/config';
import { AvailabilityPublisher } from './availability-publisher';
import type { BackgroundJob } from './background-job';
import { Periodic } from './periodic';
import { IDEMPOTENCY_TTL_MS } from './idempotency.service';

// Small batches keep each sweep transaction (and its row locks) short; a backlog drains over a few runs.
const SWEEP_BATCH = 500;
const MAX_BATCHES_PER_RUN = 20;
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 5_000;

/**
 * Expires reservations whose payment window has passed and frees their seats, and forgets idempotency keys
 * past their window. Every API process runs it; the repository's advisory lock lets one sweep at a time.
 * Correctness does not depend on it: reads, confirms and purchases expire what they touch themselves.
 */
@injectable()
export class TicketExpiryJob implements BackgroundJob {
  readonly name = 'ticket-expiry';
  private readonly loop: Periodic;
  private lastPurge = 0;

  constructor(
    @inject(TicketRepository) private readonly tickets: TicketRepository,
    @inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @inject(Clock) private readonly clock: Clock,
    @inject(Config) config: Config,
    @inject(Logger) private readonly logger: Logger,
    @inject(Metrics) private readonly metrics: Metrics,
    @inject(AvailabilityPublisher) private readonly availability: AvailabilityPublisher,
  ) {
    this.loop = new Periodic(() => this.runOnce(), config.jobIntervalMs, (error) =>
      this.logger.warn('ticket expiry run failed', { job: this.name, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One run: sweeps until no batch is full. Returns how many expired (null when another process swept). */
  async runOnce(): Promise<number | null> {
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !this.stoppedMidRun(batch); batch++) {
      const expired = await this.tickets.sweepExpired(this.clock.now(), SWEEP_BATCH);
      if (expired === null) return batch === 0 ? null : total;
      total += expired.length;
      this.availability.ticketsExpired(expired);
      if (expired.length < SWEEP_BATCH) break;
    }
    if (total > 0) {
      this.metrics.ticket('expired', total);
      this.logger.info('reservations expired', { job: this.name, count: total });
    }
    const now = this.clock.now().getTime();
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      // In bounded deletes, each well inside the statement deadline; a backlog (after an outage) drains over runs.
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !this.stoppedMidRun(batch); batch++) {
        if ((await this.idempotency.purge(new Date(now - IDEMPOTENCY_TTL_MS), PURGE_BATCH)) < PURGE_BATCH) break;
      }
    }
    return total;
  }

  private stoppedMidRun(batch: number): boolean {
    return batch > 0 && this.loop.stopped;
  }
}
