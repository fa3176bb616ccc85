import { inject, injectable } from 'inversify';
import { EventBus, type BusMessage } from '../../lib/adapter/event-bus';
import type { StoredSeatStatus } from '../../lib/domain/seat';
import { SeatRepository } from '../../lib/repository/seat-repository';

// A full re-read backs up the live updates, which pub/sub delivers at most once.
const CATALOG_RELOAD_MS = 5_000;
// Events that are on sale at once; the least recently used beyond this are dropped.
const MAX_EVENTS = 64;
const STORED: ReadonlySet<string> = new Set<StoredSeatStatus>(['available', 'reserved', 'sold']);

interface Entry {
  statuses: Map<string, StoredSeatStatus>;
  reloadAt: number;
  /** Set while a read is in flight; changes that arrive meanwhile are re-applied on top of its result. */
  loading: Promise<void> | null;
  arrivedWhileLoading: Array<[string, StoredSeatStatus]>;
  unsubscribe: () => void;
}

/**
 * The stored status of every seat of the events being held, kept in this process so that a hold does not
 * read Postgres. It listens to the EventBus, which carries every reservation, sale, cancellation and
 * expiry from every process within milliseconds, and re-reads each event every few seconds in case a
 * message was lost. It answers "available" on its own; a refusal is confirmed with Postgres first
 * (`confirmUnavailable`), so staleness can only cost a buyer a hold that the purchase then refuses:
 * Postgres's constraints decide every sale. Seats it does not know (added since the last read) are looked up.
 */
@injectable()
export class SeatCatalog {
  private readonly entries = new Map<string, Promise<Entry>>();
  private readonly ready = new Map<string, Entry>();

  constructor(
    @inject(SeatRepository) private readonly seats: SeatRepository,
    @inject(EventBus) private readonly bus: EventBus,
  ) {}

  /** The stored status of each of `seatIds` that is a seat of `eventId`; others are left out. */
  async statuses(eventId: string, seatIds: readonly string[]): Promise<Map<string, StoredSeatStatus>> {
    const entry = await this.entry(eventId);
    const found = new Map<string, StoredSeatStatus>();
    const unknown: string[] = [];
    for (const id of seatIds) {
      const status = entry.statuses.get(id);
      if (status === undefined) unknown.push(id);
      else found.set(id, status);
    }
    if (unknown.length > 0) {
      for (const seat of await this.seats.findMany(eventId, unknown)) {
        this.record(entry, seat.id, seat.status);
        found.set(seat.id, seat.status);
      }
    }
    return found;
  }

  /**
   * Which of `seatIds` Postgres says are not available now; the catalog takes its word. A refusal is
   * confirmed here before it is given: messages from different processes can arrive out of order (a
   * reservation's news after its expiry's), so the catalog may say `reserved` for a seat that is free.
   */
  async confirmUnavailable(eventId: string, seatIds: readonly string[]): Promise<string[]> {
    const stored = await this.seats.findMany(eventId, seatIds);
    const entry = this.ready.get(eventId);
    if (entry) for (const seat of stored) this.record(entry, seat.id, seat.status);
    const available = new Set(stored.filter((seat) => seat.status === 'available').map((seat) => seat.id));
    return seatIds.filter((id) => !available.has(id));
  }

  /** A change made by this process, known before its bus message comes back. */
  note(eventId: string, seatId: string, status: StoredSeatStatus): void {
    const entry = this.ready.get(eventId);
    if (entry) this.record(entry, seatId, status);
  }

  private async entry(eventId: string): Promise<Entry> {
    let pending = this.entries.get(eventId);
    if (pending === undefined) {
      if (this.entries.size >= MAX_EVENTS) this.drop(this.entries.keys().next().value!);
      pending = this.open(eventId);
      this.entries.set(eventId, pending);
      pending.catch(() => {
        if (this.entries.get(eventId) === pending) this.entries.delete(eventId);
      });
    } else {
      // Most recently used last, so the first key is the one to drop.
      this.entries.delete(eventId);
      this.entries.set(eventId, pending);
    }
    const entry = await pending;
    if (entry.reloadAt <= Date.now() && entry.loading === null) void this.load(eventId, entry).catch(() => {});
    return entry;
  }

  /** Subscribes before the first read, so no change can fall between the read and the subscription. */
  private async open(eventId: string): Promise<Entry> {
    const entry: Entry = { statuses: new Map(), reloadAt: 0, loading: null, arrivedWhileLoading: [], unsubscribe: () => {} };
    entry.unsubscribe = await this.bus.subscribe(eventId, (_event, message) => this.apply(entry, message));
    try {
      await this.load(eventId, entry);
    } catch (error) {
      entry.unsubscribe();
      throw error;
    }
    this.ready.set(eventId, entry);
    return entry;
  }

  private load(eventId: string, entry: Entry): Promise<void> {
    entry.reloadAt = Date.now() + CATALOG_RELOAD_MS;
    entry.loading = this.seats.statuses(eventId).then(
      (statuses) => {
        for (const [id, status] of entry.arrivedWhileLoading) statuses.set(id, status);
        entry.statuses = statuses;
        entry.arrivedWhileLoading = [];
        entry.loading = null;
      },
      (error: unknown) => {
        entry.arrivedWhileLoading = [];
        entry.loading = null;
        entry.reloadAt = 0;
        throw error;
      },
    );
    return entry.loading;
  }

  /** Seat messages say `held` for holds and the stored status for tickets; only the latter are ours. */
  private apply(entry: Entry, message: BusMessage): void {
    if (message.type !== 'seat') return;
    const { seat_id: id, status } = message.data as { seat_id?: unknown; status?: unknown };
    if (typeof id !== 'string' || typeof status !== 'string' || !STORED.has(status)) return;
    this.record(entry, id, status as StoredSeatStatus);
  }

  /** A status known now; one arriving while a re-read is in flight is re-applied on top of its result. */
  private record(entry: Entry, seatId: string, status: StoredSeatStatus): void {
    entry.statuses.set(seatId, status);
    if (entry.loading) entry.arrivedWhileLoading.push([seatId, status]);
  }

  private drop(eventId: string): void {
    const pending = this.entries.get(eventId);
    this.entries.delete(eventId);
    this.ready.delete(eventId);
    pending?.then((entry) => entry.unsubscribe(), () => {});
  }
}
