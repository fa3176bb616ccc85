import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { Clock } from '../../lib/adapter/clock';
import { HoldStore, type HoldOutcome } from '../../lib/adapter/hold-store';
import { Metrics } from '../../lib/adapter/metrics';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/domain/errors';
import { eventPhase, type Event } from '../../lib/domain/event';
import {
  extendedExpiry,
  MAX_HOLD_TTL_SECONDS,
  MAX_QUANTITY_PER_HOLD,
  MAX_SEATS_PER_HOLD,
  MIN_HOLD_TTL_SECONDS,
  secondsUntil,
  type Hold,
} from '../../lib/domain/hold';
import { canActFor, type Principal } from '../../lib/domain/principal';
import { TicketRepository } from '../../lib/repository/ticket-repository';
import { Config } from '../config/config';
import { AvailabilityPublisher } from './availability-publisher';
import { EventService } from './event.service';
import { QueueService } from './queue.service';
import { SeatCatalog } from './seat-catalog';

export interface HoldRequest {
  eventId: string;
  /** Seated events: 1..10 distinct seats of the event. */
  seatIds?: string[];
  /** Standing events: 1..10 places. */
  quantity?: number;
  /** 1..900; HOLD_TTL_SECONDS when absent. */
  ttlSeconds?: number;
  /** The caller's active waiting-room session; required when the event's queue is enabled. */
  queueSessionId?: string;
  /** Only for a purchase's own hold (PurchaseService); a new random id otherwise. */
  holdId?: string;
}

/**
 * Seat holds: the hot path of an on-sale. The event (read at most a second ago) and the seat catalog
 * (kept current by the EventBus) turn away unknown, reserved and sold seats without a Postgres read; the
 * HoldStore makes the contended decision atomically. Nothing is written to Postgres here.
 */
@injectable()
export class HoldService {
  constructor(
    @inject(HoldStore) private readonly store: HoldStore,
    @inject(EventService) private readonly events: EventService,
    @inject(SeatCatalog) private readonly catalog: SeatCatalog,
    @inject(Clock) private readonly clock: Clock,
    @inject(Config) private readonly config: Pick<Config, 'holdTtlSeconds' | 'maxHeldPerUser'>,
    @inject(Metrics) private readonly metrics: Metrics,
    @inject(QueueService) private readonly queue: QueueService,
    @inject(TicketRepository) private readonly tickets: TicketRepository,
    @inject(AvailabilityPublisher) private readonly availability: AvailabilityPublisher,
  ) {}

  async hold(principal: Principal, request: HoldRequest): Promise<Hold> {
    const ttlSeconds = request.ttlSeconds ?? this.config.holdTtlSeconds;
    assertTtl(ttlSeconds);
    const event = await this.events.current(request.eventId);
    this.assertOnSale(event);
    await this.queue.assertAdmitted(principal, event, request.queueSessionId);
    // Hold ids are opaque handles, never paged by: a v4 id from the pooled generator costs least.
    const base = { holdId: request.holdId ?? randomUUID(), eventId: event.id, userId: principal.userId, ttlMs: ttlSeconds * 1000, maxPerUser: this.config.maxHeldPerUser };
    if (event.isSeatedEvent) {
      if (request.quantity !== undefined) throw ValidationError.field('quantity', 'a seated event is held by seat_ids, not quantity');
      const seatIds = await this.availableSeats(event.id, request.seatIds);
      return this.announced(this.unwrap(await this.store.holdSeats({ ...base, seatIds })), 'held');
    }
    if (request.seatIds !== undefined) throw ValidationError.field('seat_ids', 'a standing event is held by quantity, not seat_ids');
    const quantity = request.quantity;
    if (quantity === undefined || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY_PER_HOLD) {
      throw ValidationError.field('quantity', `a standing event needs a quantity from 1 to ${MAX_QUANTITY_PER_HOLD}`);
    }
    // Holds may take what no live ticket has. A purchase racing this read can let holds overshoot by what
    // it just bought; Postgres's capacity trigger still refuses the surplus at purchase.
    const capacity = Math.max(0, (event.totalTickets ?? 0) - (await this.tickets.countLiveStanding(event.id)));
    return this.announced(this.unwrap(await this.store.holdQuantity({ ...base, quantity, capacity })), 'held');
  }

  /** The live hold, for its holder or an admin; NotFoundError once it expired or was released. */
  async get(principal: Principal, holdId: string): Promise<Hold> {
    const hold = await this.store.get(holdId);
    if (!hold) throw new NotFoundError('Hold', holdId);
    if (!canActFor(principal, hold.userId)) throw new ForbiddenError('Only the holder or an admin may use this hold.');
    return hold;
  }

  async release(principal: Principal, holdId: string): Promise<void> {
    await this.get(principal, holdId);
    const released = await this.store.release(holdId);
    if (!released) throw new NotFoundError('Hold', holdId);
    this.metrics.hold('released');
    this.announced(released, 'available');
  }

  /** Holder only: `ttlSeconds` from now, but never past MAX_HOLD_LIFETIME_SECONDS after creation. */
  async extend(principal: Principal, holdId: string, ttlSeconds: number): Promise<Hold> {
    assertTtl(ttlSeconds);
    const hold = await this.store.get(holdId);
    if (!hold) throw new NotFoundError('Hold', holdId);
    if (hold.userId !== principal.userId) throw new ForbiddenError('Only the holder may extend this hold.');
    const extended = await this.store.extend(holdId, extendedExpiry(hold, this.clock.now(), ttlSeconds));
    if (!extended) throw new NotFoundError('Hold', holdId);
    this.metrics.hold('extended');
    return this.announced(extended, 'held');
  }

  private announced(hold: Hold, status: 'held' | 'available'): Hold {
    this.availability.holdChanged(hold, status);
    return hold;
  }

  private assertOnSale(event: Event): void {
    const now = this.clock.now();
    switch (eventPhase(event, now)) {
      case 'on_sale':
        return;
      case 'scheduled':
        throw new ConflictError('sale-not-open', `The sale opens at ${event.saleStartsAt!.toISOString()}.`, {
          extensions: { sale_starts_at: event.saleStartsAt!.toISOString() },
          retryAfterSeconds: secondsUntil(event.saleStartsAt!, now),
        });
      case 'sale_closed':
        throw new ConflictError('sale-closed', 'The sale of this event has closed.');
      case 'ended':
        throw new ConflictError('event-ended', 'This event has ended.');
    }
  }

  /** Distinct seats of the event, all stored as available. */
  private async availableSeats(eventId: string, requested: string[] | undefined): Promise<string[]> {
    if (!requested || requested.length < 1 || requested.length > MAX_SEATS_PER_HOLD) {
      throw ValidationError.field('seat_ids', `a seated event needs 1 to ${MAX_SEATS_PER_HOLD} seat ids`);
    }
    const seatIds = requested.map((id) => id.toLowerCase());
    if (new Set(seatIds).size !== seatIds.length) throw ValidationError.field('seat_ids', 'must not repeat a seat');
    const found = await this.catalog.statuses(eventId, seatIds);
    const unknown = seatIds.flatMap((id, i) => (found.has(id) ? [] : [{ field: `seat_ids[${i}]`, message: `${id} is not a seat of this event` }]));
    if (unknown.length > 0) throw new ValidationError(unknown);
    const maybeGone = seatIds.filter((id) => found.get(id) !== 'available');
    const gone = maybeGone.length > 0 ? await this.catalog.confirmUnavailable(eventId, maybeGone) : maybeGone;
    if (gone.length > 0) {
      throw new ConflictError('seats-unavailable', 'Some of the seats are already reserved or sold.', { extensions: { conflicting_seat_ids: gone } });
    }
    return seatIds;
  }

  private unwrap(outcome: HoldOutcome): Hold {
    this.metrics.hold(outcome.ok ? 'created' : outcome.reason);
    if (outcome.ok) return outcome.hold;
    switch (outcome.reason) {
      case 'seats_taken': {
        const earliest = Math.min(...outcome.conflicts.map((conflict) => conflict.expiresAt.getTime()));
        throw new ConflictError('seats-unavailable', 'Some of the seats are held by someone else.', {
          extensions: { conflicting_seat_ids: outcome.conflicts.map((conflict) => conflict.seatId) },
          retryAfterSeconds: secondsUntil(new Date(earliest), this.clock.now()),
        });
      }
      case 'capacity_exhausted':
        throw new ConflictError('capacity-exhausted', `Only ${outcome.available} places are left to hold.`, {
          extensions: { available: outcome.available },
        });
      case 'user_limit':
        throw new ConflictError('hold-limit-exceeded', `You may hold at most ${outcome.limit} places of this event at once; you hold ${outcome.held}.`, {
          extensions: { held: outcome.held, limit: outcome.limit },
        });
    }
  }
}

function assertTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < MIN_HOLD_TTL_SECONDS || ttlSeconds > MAX_HOLD_TTL_SECONDS) {
    throw ValidationError.field('ttl_seconds', `must be a whole number from ${MIN_HOLD_TTL_SECONDS} to ${MAX_HOLD_TTL_SECONDS}`);
  }
}
