import { inject, injectable } from 'inversify';
import { Clock } from '../../lib/adapter/clock';
import { Lease } from '../../lib/adapter/lease';
import { Logger } from '../../lib/adapter/logger';
import { Metrics } from '../../lib/adapter/metrics';
import { WaitingRoom } from '../../lib/adapter/waiting-room';
import { eventPhase } from '../../lib/domain/event';
import { newId } from '../../lib/domain/id';
import { admitsAutomatically, MAX_ADMIT_PER_CALL } from '../../lib/domain/session';
import { EventRepository } from '../../lib/repository/event-repository';
import { Config } from '../config/config';
import type { BackgroundJob } from './background-job';
import { Periodic } from './periodic';

export const ADMISSION_LEASE = 'queue-admission';
const MS_PER_MINUTE = 60_000;

/**
 * Spreads admit_per_minute over the runs of the job. Credit is kept in admit-milliseconds so integer
 * arithmetic is exact at any rate; what falls due while nobody waits or the active maximum is reached is
 * dropped, not banked, so a freed slot never releases a burst of a whole minute's admissions at once.
 */
class Pacer {
  private credit = 0;
  constructor(private last: number) {}

  due(admitPerMinute: number, now: number): number {
    this.credit += admitPerMinute * Math.max(0, now - this.last);
    this.last = now;
    const due = Math.floor(this.credit / MS_PER_MINUTE);
    this.credit -= due * MS_PER_MINUTE;
    return due;
  }
}

/**
 * Automatic admission. Every API process runs this job, but only the holder of the Redis lease admits,
 * so the rate is not multiplied by the number of processes. The lease is not what protects
 * max_active_sessions: the store's admit step checks it atomically, so even two overlapping holders (one
 * paused past its lease) cannot exceed it.
 */
@injectable()
export class QueueAdmissionJob implements BackgroundJob {
  readonly name = 'queue-admission';
  private readonly holder = newId();
  private readonly pacers = new Map<string, Pacer>();
  private readonly loop: Periodic;
  private lastError = '';

  constructor(
    @inject(WaitingRoom) private readonly room: WaitingRoom,
    @inject(Lease) private readonly lease: Lease,
    @inject(EventRepository) private readonly events: EventRepository,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
    @inject(Config) private readonly config: Config,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {
    // runOnce reports its own failures; anything escaping it is unexpected and reported the same way.
    this.loop = new Periodic(() => this.runOnce(), config.jobIntervalMs, (error) => this.report([error]));
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    // Hand over at once instead of making the other processes wait out the TTL.
    await this.lease.release(ADMISSION_LEASE, this.holder).catch(() => false);
  }

  /** One pass over every queued event; public so tests can drive it without timers. */
  async runOnce(): Promise<void> {
    const failures: unknown[] = [];
    try {
      if (!(await this.lease.tryAcquire(ADMISSION_LEASE, this.holder, this.leaseTtlMs()))) {
        // Another process admits; if we win the lease later, pacing starts afresh rather than from stale credit.
        this.pacers.clear();
        return;
      }
      const now = this.clock.now();
      for (const eventId of await this.room.queuedEvents()) {
        // One broken event must not stall admission for the others.
        await this.admit(eventId, now).catch((error: unknown) => failures.push(error));
      }
    } catch (error) {
      failures.push(error);
    }
    this.report(failures);
  }

  private async admit(eventId: string, now: Date): Promise<void> {
    const event = await this.events.findById(eventId);
    if (!event || eventPhase(event, now) === 'ended') {
      this.pacers.delete(eventId);
      await this.room.forgetEvent(eventId);
      return;
    }
    if (!admitsAutomatically(event, now)) {
      this.pacers.delete(eventId);
      return;
    }
    const queue = event.queue!;
    let pacer = this.pacers.get(eventId);
    if (!pacer) this.pacers.set(eventId, (pacer = new Pacer(now.getTime())));
    const due = pacer.due(queue.admitPerMinute, now.getTime());
    if (due === 0) return;
    const admitted = await this.room.admit(eventId, {
      count: Math.min(due, MAX_ADMIT_PER_CALL),
      maxActive: queue.maxActiveSessions,
      ttlMs: queue.sessionTtlSeconds * 1_000,
      now,
    });
    this.metrics.queueAdmitted(admitted);
  }

  /** Logs a failure once while it persists (every run would otherwise repeat it), and its recovery. */
  private report(failures: unknown[]): void {
    if (failures.length === 0) {
      if (this.lastError) this.logger.info('queue admission recovered');
      this.lastError = '';
      return;
    }
    const message = failures.map((error) => (error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)))[0]!;
    if (message !== this.lastError) this.logger.warn('queue admission failed', { error: message, failures: failures.length });
    this.lastError = message;
  }

  // Long enough to ride out a few slow runs, short enough that a crashed holder is replaced within seconds.
  private leaseTtlMs(): number {
    return Math.max(5 * this.config.jobIntervalMs, 3_000);
  }
}
