import { inject, injectable } from 'inversify';
import { Clock } from '../../lib/adapter/clock';
import { HoldStore, type SeatHoldInfo } from '../../lib/adapter/hold-store';
import { ConflictError, NotFoundError } from '../../lib/domain/errors';
import { secondsUntil } from '../../lib/domain/hold';
import type { Page, PageRequest } from '../../lib/domain/page';
import { seatLabel, type Seat, type SeatDraft, type SeatStatus } from '../../lib/domain/seat';
import { SeatRepository } from '../../lib/repository/seat-repository';
import { EventService } from './event.service';
import { unlessUnavailable } from './unless-unavailable';

/** A seat as buyers see it: the stored status, with `held` layered on from the hold store. */
export interface SeatView {
  seat: Seat;
  status: SeatStatus;
  /** Set only when held. */
  hold: { userId: string; heldUntil: Date; retryAfterSeconds: number } | null;
}

@injectable()
export class SeatService {
  constructor(
    @inject(SeatRepository) private readonly seats: SeatRepository,
    @inject(EventService) private readonly events: EventService,
    @inject(HoldStore) private readonly holds: HoldStore,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async addSeats(eventId: string, drafts: SeatDraft[]): Promise<number> {
    const event = await this.events.require(eventId);
    if (!event.isSeatedEvent) {
      throw new ConflictError('not-a-seated-event', 'Seats can only be added to a seated event.');
    }
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const draft of drafts) {
      const label = seatLabel(draft);
      if (seen.has(label)) duplicates.add(label);
      seen.add(label);
    }
    if (duplicates.size > 0) {
      throw new ConflictError('duplicate-seat', 'The request lists the same seat more than once.', {
        extensions: { duplicate_seats: [...duplicates].slice(0, 100) },
      });
    }
    return this.seats.addMany(eventId, drafts);
  }

  /**
   * A page of seats with holds layered on. The availability list drops held seats after paging by stored
   * status, so one of its pages may be shorter than `limit`; `nextCursor` still leads to the rest.
   */
  async list(eventId: string, page: PageRequest, availableOnly: boolean): Promise<Page<SeatView>> {
    await this.events.require(eventId);
    const stored = await this.seats.list(eventId, page, availableOnly ? 'available' : undefined);
    const views = await this.withHolds(eventId, stored.items);
    return { items: availableOnly ? views.filter((view) => view.status === 'available') : views, nextCursor: stored.nextCursor };
  }

  async get(eventId: string, seatId: string): Promise<SeatView> {
    const seat = await this.seats.findById(eventId, seatId);
    if (!seat) {
      await this.events.require(eventId);
      throw new NotFoundError('Seat', seatId);
    }
    return (await this.withHolds(eventId, [seat]))[0]!;
  }

  /**
   * Only seats stored as available can be held; a reserved or sold seat keeps its stored status. While the
   * hold store is down, reads still answer from Postgres (holds are then invisible, and cannot be taken).
   */
  private async withHolds(eventId: string, seats: Seat[]): Promise<SeatView[]> {
    const candidates = seats.filter((seat) => seat.status === 'available').map((seat) => seat.id);
    const holds = candidates.length > 0 ? await unlessUnavailable(() => this.holds.seatHolds(eventId, candidates), new Map<string, SeatHoldInfo>()) : new Map();
    const now = this.clock.now();
    return seats.map((seat) => {
      const hold = holds.get(seat.id);
      if (!hold) return { seat, status: seat.status, hold: null };
      return { seat, status: 'held', hold: { userId: hold.userId, heldUntil: hold.expiresAt, retryAfterSeconds: secondsUntil(hold.expiresAt, now) } };
    });
  }
}
