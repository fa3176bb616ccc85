import type { Page, PageRequest } from '../domain/page';
import type { Seat, SeatDraft, StoredSeatStatus } from '../domain/seat';

/** Durable store of seats and their stored status (available, reserved, sold). */
export interface SeatRepository {
  /**
   * Inserts every seat in one transaction and returns how many. A seat that repeats another
   * (same section/row/number, in the batch or already stored) throws ConflictError (`duplicate-seat`)
   * and nothing is stored.
   */
  addMany(eventId: string, seats: SeatDraft[]): Promise<number>;
  /** A page in creation order; `status` narrows it to seats stored with that status. */
  list(eventId: string, page: PageRequest, status?: StoredSeatStatus): Promise<Page<Seat>>;
  findById(eventId: string, seatId: string): Promise<Seat | null>;
  /** The seats of `eventId` among `seatIds`; unknown ids and other events' seats are left out. */
  findMany(eventId: string, seatIds: readonly string[]): Promise<Seat[]>;
  /** Every seat of `eventId` with its stored status: what a seat catalog caches for the hold path. */
  statuses(eventId: string): Promise<Map<string, StoredSeatStatus>>;
  countByStatus(eventId: string): Promise<Record<StoredSeatStatus, number>>;
}
export const SeatRepository = Symbol.for('SeatRepository');
