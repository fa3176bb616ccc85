import type { Clock } from '../../lib/adapter/clock';
import type { ExpiredHolds, HoldOutcome, HoldStore, QuantityHoldRequest, SeatHoldInfo, SeatHoldRequest } from '../../lib/adapter/hold-store';
import type { Hold } from '../../lib/domain/hold';

/**
 * The HoldStore of the embedded mode (one process). Each method does all its checks and writes
 * synchronously before its first await, so on Node's single thread every operation is atomic, as the
 * Redis scripts are. Expiry is lazy: a hold whose `expiresAt` has passed by the injected Clock is ignored
 * at once and dropped the next time its event is touched, so no sweeper is needed for correctness.
 */
export class MemoryHoldStore implements HoldStore {
  private readonly holds = new Map<string, Hold>();
  /** `${eventId}/${seatId}` -> id of the hold that took the seat last (live or not). */
  private readonly seatLocks = new Map<string, string>();
  private readonly holdsByEvent = new Map<string, Set<string>>();
  /** Last fencing token per event (kept for the life of the process). */
  private readonly fences = new Map<string, number>();
  /** Holds found expired and not yet reported by takeExpired, per event. */
  private readonly lapsed = new Map<string, Hold[]>();

  constructor(private readonly clock: Clock) {}

  async holdSeats(request: SeatHoldRequest): Promise<HoldOutcome> {
    const live = this.liveHolds(request.eventId);
    const limited = this.userLimit(live, request.userId, request.seatIds.length, request.maxPerUser);
    if (limited) return limited;
    const conflicts: Array<{ seatId: string; expiresAt: Date }> = [];
    for (const seatId of request.seatIds) {
      const holder = this.liveHolder(request.eventId, seatId);
      if (holder) conflicts.push({ seatId, expiresAt: holder.expiresAt });
    }
    if (conflicts.length > 0) return { ok: false, reason: 'seats_taken', conflicts };
    const hold = this.insert(request, [...request.seatIds], request.seatIds.length);
    for (const seatId of hold.seatIds) this.seatLocks.set(`${hold.eventId}/${seatId}`, hold.id);
    return { ok: true, hold: copy(hold) };
  }

  async holdQuantity(request: QuantityHoldRequest): Promise<HoldOutcome> {
    const live = this.liveHolds(request.eventId);
    const limited = this.userLimit(live, request.userId, request.quantity, request.maxPerUser);
    if (limited) return limited;
    const taken = placesHeld(live);
    if (taken + request.quantity > request.capacity) {
      return { ok: false, reason: 'capacity_exhausted', available: Math.max(0, request.capacity - taken) };
    }
    return { ok: true, hold: copy(this.insert(request, [], request.quantity)) };
  }

  async get(holdId: string, eventId?: string): Promise<Hold | null> {
    const hold = this.live(holdId);
    return hold && (eventId === undefined || hold.eventId === eventId) ? copy(hold) : null;
  }

  async release(holdId: string): Promise<Hold | null> {
    const hold = this.live(holdId);
    if (!hold) return null;
    this.remove(hold);
    return copy(hold);
  }

  async extend(holdId: string, expiresAt: Date): Promise<Hold | null> {
    const hold = this.live(holdId);
    if (!hold) return null;
    hold.expiresAt = new Date(expiresAt.getTime());
    return copy(hold);
  }

  async seatHolds(eventId: string, seatIds: readonly string[]): Promise<Map<string, SeatHoldInfo>> {
    const result = new Map<string, SeatHoldInfo>();
    for (const seatId of seatIds) {
      const hold = this.liveHolder(eventId, seatId);
      if (hold) result.set(seatId, { holdId: hold.id, userId: hold.userId, expiresAt: new Date(hold.expiresAt.getTime()) });
    }
    return result;
  }

  async heldCount(eventId: string): Promise<number> {
    return placesHeld(this.liveHolds(eventId));
  }

  async takeExpired(eventId: string): Promise<ExpiredHolds> {
    this.liveHolds(eventId);
    const lapsed = this.lapsed.get(eventId) ?? [];
    this.lapsed.delete(eventId);
    // A seat taken again since its hold lapsed is not free: it is not reported.
    const seatIds = lapsed.flatMap((hold) => hold.seatIds).filter((seatId) => !this.liveHolder(eventId, seatId));
    const places = lapsed.filter((hold) => hold.seatIds.length === 0).reduce((sum, hold) => sum + hold.quantity, 0);
    return { seatIds: [...new Set(seatIds)], places };
  }

  private insert(request: { holdId: string; eventId: string; userId: string; ttlMs: number }, seatIds: string[], quantity: number): Hold {
    const now = this.clock.now().getTime();
    // Like the Redis store: never below the clock in ms, so tokens look and order the same in both.
    const fencingToken = Math.max((this.fences.get(request.eventId) ?? 0) + 1, now);
    this.fences.set(request.eventId, fencingToken);
    const hold: Hold = {
      id: request.holdId,
      eventId: request.eventId,
      userId: request.userId,
      seatIds,
      quantity,
      fencingToken,
      createdAt: new Date(now),
      expiresAt: new Date(now + request.ttlMs),
    };
    this.holds.set(hold.id, hold);
    let ids = this.holdsByEvent.get(hold.eventId);
    if (!ids) this.holdsByEvent.set(hold.eventId, (ids = new Set()));
    ids.add(hold.id);
    return hold;
  }

  private userLimit(live: Hold[], userId: string, adding: number, limit: number): HoldOutcome | null {
    const held = placesHeld(live.filter((hold) => hold.userId === userId));
    return held + adding > limit ? { ok: false, reason: 'user_limit', held, limit } : null;
  }

  private live(holdId: string): Hold | null {
    const hold = this.holds.get(holdId);
    if (!hold) return null;
    if (hold.expiresAt.getTime() > this.clock.now().getTime()) return hold;
    this.remove(hold);
    const lapsed = this.lapsed.get(hold.eventId);
    if (lapsed) lapsed.push(hold);
    else this.lapsed.set(hold.eventId, [hold]);
    return null;
  }

  private liveHolder(eventId: string, seatId: string): Hold | null {
    const holdId = this.seatLocks.get(`${eventId}/${seatId}`);
    return holdId === undefined ? null : this.live(holdId);
  }

  /** The event's live holds; drops the expired ones on the way (the lazy part of lazy expiry). */
  private liveHolds(eventId: string): Hold[] {
    const ids = this.holdsByEvent.get(eventId);
    if (!ids) return [];
    return [...ids].map((id) => this.live(id)).filter((hold): hold is Hold => hold !== null);
  }

  private remove(hold: Hold): void {
    this.holds.delete(hold.id);
    for (const seatId of hold.seatIds) {
      const key = `${hold.eventId}/${seatId}`;
      if (this.seatLocks.get(key) === hold.id) this.seatLocks.delete(key);
    }
    const ids = this.holdsByEvent.get(hold.eventId);
    ids?.delete(hold.id);
    if (ids?.size === 0) this.holdsByEvent.delete(hold.eventId);
  }
}

function placesHeld(holds: Hold[]): number {
  return holds.reduce((sum, hold) => sum + hold.quantity, 0);
}

function copy(hold: Hold): Hold {
  return { ...hold, seatIds: [...hold.seatIds], createdAt: new Date(hold.createdAt.getTime()), expiresAt: new Date(hold.expiresAt.getTime()) };
}
