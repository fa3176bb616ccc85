import { inject, injectable } from 'inversify';
import { Clock } from '../../lib/adapter/clock';
import { unlessUnavailable } from './unless-unavailable';
import { HoldStore } from '../../lib/adapter/hold-store';
import { ConflictError, NotFoundError } from '../../lib/domain/errors';
import { assertValidEventDraft, eventPhase, type Event, type EventDraft, type EventPhase } from '../../lib/domain/event';
import { newId } from '../../lib/domain/id';
import type { SeatCounts } from '../../lib/domain/seat';
import { EventRepository } from '../../lib/repository/event-repository';
import { SeatRepository } from '../../lib/repository/seat-repository';
import { TicketRepository } from '../../lib/repository/ticket-repository';

export interface EventView {
  event: Event;
  phase: EventPhase;
}

export interface EventDetail extends EventView {
  counts: SeatCounts;
}

// How long the hot paths may act on an event as read before: bounds what another process's edit takes
// to reach them (edits in this process reach them at once).
const EVENT_CACHE_MS = 1_000;
const MAX_CACHED_EVENTS = 1_000;

@injectable()
export class EventService {
  private readonly recent = new Map<string, { event: Promise<Event | null>; until: number }>();

  constructor(
    @inject(EventRepository) private readonly events: EventRepository,
    @inject(SeatRepository) private readonly seats: SeatRepository,
    @inject(Clock) private readonly clock: Clock,
    @inject(HoldStore) private readonly holds: HoldStore,
    @inject(TicketRepository) private readonly tickets: TicketRepository,
  ) {}

  async create(draft: EventDraft): Promise<EventView> {
    assertValidEventDraft(draft);
    const now = this.clock.now();
    const event: Event = { ...draft, id: newId(), createdAt: now, updatedAt: now };
    await this.events.create(event);
    return this.view(event);
  }

  /** The event or NotFoundError; other services use it to check an event exists. */
  async require(id: string): Promise<Event> {
    const event = await this.events.findById(id);
    if (!event) throw new NotFoundError('Event', id);
    return event;
  }

  /**
   * The event as read at most EVENT_CACHE_MS ago, for the hot paths (holds, purchases, queue joins),
   * which would otherwise read the same row from Postgres on every request of an on-sale. Concurrent
   * misses share one read. Reads that show an event to a client use `require`.
   */
  async current(id: string): Promise<Event> {
    const now = Date.now();
    let entry = this.recent.get(id);
    if (entry === undefined || entry.until <= now) {
      if (this.recent.size >= MAX_CACHED_EVENTS) this.recent.delete(this.recent.keys().next().value!);
      const event = this.events.findById(id);
      const fresh = { event, until: now + EVENT_CACHE_MS };
      this.recent.set(id, fresh);
      // A failed or empty read is not remembered: the next caller asks Postgres again.
      event.then((found) => found ?? this.forget(id, fresh), () => this.forget(id, fresh));
      entry = fresh;
    }
    const event = await entry.event;
    if (!event) throw new NotFoundError('Event', id);
    return event;
  }

  async get(id: string): Promise<EventDetail> {
    const event = await this.require(id);
    return { ...this.view(event), counts: await this.counts(event) };
  }

  async listActive(): Promise<EventView[]> {
    const events = await this.events.listActive(this.clock.now());
    return events.map((event) => this.view(event));
  }

  async update(id: string, draft: EventDraft): Promise<EventView> {
    assertValidEventDraft(draft);
    const current = await this.require(id);
    if (current.isSeatedEvent !== draft.isSeatedEvent) {
      const stored = await this.seats.countByStatus(id);
      if (stored.available + stored.reserved + stored.sold > 0) {
        throw new ConflictError('event-has-seats', 'is_seated_event cannot change once seats exist.');
      }
      const live = await this.tickets.countLive(id);
      if (live.reserved + live.sold > 0) {
        throw new ConflictError('event-has-tickets', 'is_seated_event cannot change once tickets exist.');
      }
    } else if (!draft.isSeatedEvent) {
      const live = await this.tickets.countLive(id);
      if ((draft.totalTickets ?? 0) < live.reserved + live.sold) {
        throw new ConflictError('capacity-below-tickets', `total_tickets cannot go below the ${live.reserved + live.sold} tickets already reserved or sold.`);
      }
    }
    const event: Event = { ...draft, id, createdAt: current.createdAt, updatedAt: this.clock.now() };
    if (!(await this.events.update(event))) throw new NotFoundError('Event', id);
    this.recent.delete(id);
    return this.view(event);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.events.delete(id))) throw new NotFoundError('Event', id);
    this.recent.delete(id);
  }

  private forget(id: string, entry: { event: Promise<Event | null> }): void {
    if (this.recent.get(id) === entry) this.recent.delete(id);
  }

  private view(event: Event): EventView {
    return { event, phase: eventPhase(event, this.clock.now()) };
  }

  /** Held seats are stored as available (holds never reach Postgres), so they move from one count to the other. */
  private async counts(event: Event): Promise<SeatCounts> {
    // Postgres answers for what is reserved and sold; while the hold store is down `held` is unknown (null).
    const held = await unlessUnavailable(() => this.holds.heldCount(event.id), null);
    if (!event.isSeatedEvent) {
      const { reserved, sold } = await this.tickets.countLive(event.id);
      return { available: Math.max(0, (event.totalTickets ?? 0) - (held ?? 0) - reserved - sold), held, reserved, sold };
    }
    const stored = await this.seats.countByStatus(event.id);
    return { ...stored, available: Math.max(0, stored.available - (held ?? 0)), held };
  }
}
