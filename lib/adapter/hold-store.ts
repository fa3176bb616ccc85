import type { Hold } from '../domain/hold';

export interface SeatHoldRequest {
  holdId: string;
  eventId: string;
  userId: string;
  seatIds: string[];
  ttlMs: number;
  /** The user's seats held for this event after this hold may not exceed it. */
  maxPerUser: number;
}

export interface QuantityHoldRequest {
  holdId: string;
  eventId: string;
  userId: string;
  quantity: number;
  ttlMs: number;
  maxPerUser: number;
  /** Places that holds may take in all (capacity less what is already reserved or sold). */
  capacity: number;
}

/** Expected contention is a result, not an exception. */
export type HoldOutcome =
  | { ok: true; hold: Hold }
  | { ok: false; reason: 'seats_taken'; conflicts: Array<{ seatId: string; expiresAt: Date }> }
  | { ok: false; reason: 'capacity_exhausted'; available: number }
  | { ok: false; reason: 'user_limit'; held: number; limit: number };

/** Expiries not yet reported. */
export interface ExpiredHolds {
  /** Seats whose hold lapsed and that no live hold has taken since. */
  seatIds: string[];
  /** Standing places whose hold lapsed. */
  places: number;
}

export interface SeatHoldInfo {
  holdId: string;
  userId: string;
  expiresAt: Date;
}

/**
 * Atomic, expiring, owner-bound holds. Every check-and-set is atomic (one Lua script per operation in
 * Redis; synchronous code in process) and an expired hold stops blocking at once, with no sweeper.
 */
export interface HoldStore {
  /** All the seats or none; fails with the conflicting seats when any is held by another hold. */
  holdSeats(request: SeatHoldRequest): Promise<HoldOutcome>;
  /** Standing capacity: never lets live holds exceed `capacity`. */
  holdQuantity(request: QuantityHoldRequest): Promise<HoldOutcome>;
  /** The live hold, or null once it expired or was released. */
  get(holdId: string): Promise<Hold | null>;
  /**
   * Removes the live hold and frees what it held; null when it was not live. `known`, the hold as read
   * before (its event, holder and seats never change), spares reading it again. Ownership is the caller's check.
   */
  release(holdId: string, known?: Pick<Hold, 'eventId' | 'userId' | 'seatIds'>): Promise<Hold | null>;
  /** Moves the live hold's expiry to `expiresAt` (seat locks too); null when it was not live. */
  extend(holdId: string, expiresAt: Date): Promise<Hold | null>;
  /** The live holds on the given seats of one event, by seat id. */
  seatHolds(eventId: string, seatIds: readonly string[]): Promise<Map<string, SeatHoldInfo>>;
  /** Seats (seated) or places (standing) currently held for the event. */
  heldCount(eventId: string): Promise<number>;
  /**
   * The store's own expiry signal: what lapsed since the last call for the event. Each expiry is reported
   * to exactly one caller, however many processes ask.
   */
  takeExpired(eventId: string): Promise<ExpiredHolds>;
}
export const HoldStore = Symbol.for('HoldStore');
