/**
 * A buyer's short, exclusive claim on seats (seated event) or on a quantity of capacity (standing event).
 * Holds live only in the HoldStore (Redis or in-process) and expire by themselves; Postgres never sees
 * them, which keeps the hot path off the database.
 */
export interface Hold {
  id: string;
  eventId: string;
  userId: string;
  /** Seated events: the held seats. Standing events: empty. */
  seatIds: string[];
  /** Seated: seatIds.length. Standing: the number of places held. */
  quantity: number;
  /**
   * Strictly increasing per event with every hold taken. A purchase accepts only the token of the live
   * hold, so a client whose hold expired (and whose seats were re-held by someone else) can never buy.
   */
  fencingToken: number;
  createdAt: Date;
  expiresAt: Date;
}

/** Limits of one hold request. */
export const MAX_SEATS_PER_HOLD = 10;
export const MAX_QUANTITY_PER_HOLD = 10;
export const MIN_HOLD_TTL_SECONDS = 1;
export const MAX_HOLD_TTL_SECONDS = 900;
/** Extending never keeps a hold alive longer than this after it was created. */
export const MAX_HOLD_LIFETIME_SECONDS = 15 * 60;

/** Whole seconds until `until`, rounded up and at least 1, for Retry-After on a contended resource. */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** Where an extension moves a hold's expiry: `ttlSeconds` from now, capped at the hold's maximum lifetime. */
export function extendedExpiry(hold: Pick<Hold, 'createdAt'>, now: Date, ttlSeconds: number): Date {
  const cap = hold.createdAt.getTime() + MAX_HOLD_LIFETIME_SECONDS * 1000;
  return new Date(Math.min(now.getTime() + ttlSeconds * 1000, cap));
}
