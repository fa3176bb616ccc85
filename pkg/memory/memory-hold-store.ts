import type { Clock } from '../../lib/adapter/clock';
import type { ExpiredHolds, HoldOutcome, HoldStore, QuantityHoldRequest, SeatHoldInfo, SeatHoldRequest } from '../../lib/adapter/hold-store';
import type { Hold } from '../../lib/domain/hold';
import { OrderStatisticTree } from './order-statistic-tree';

type Expiry = readonly [expiresAtMs: number, holdId: string];
const byExpiry = (a: Expiry, b: Expiry) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** One event's live holds, indexed so that no operation walks all of them. */
interface EventHolds {
  /** Live holds by expiry: what lapsed is popped off the front. */
  expiries: OrderStatisticTree<Expiry>;
  /** Seats and places held by live holds. */
  held: number;
  /** Live hold ids per user, for the per-user cap. */
  byUser: Map<string, Set<string>>;
}

/**
 * The HoldStore of the embedded mode (one process). Each method does all its checks and writes
 * synchronously before its first await, so on Node's single thread every operation is atomic, as the
 * Redis scripts are. Expiry is lazy: a hold whose `expiresAt` has passed by the injected Clock is ignored
 * at once and dropped the next time its event is touched, so no sweeper is needed for correctness. The
 * cost of an operation is that of the seats it names (and of the holds that lapsed since the last one),
 * not of every hold of the event.
 */
export class MemoryHoldStore implements HoldStore {
  private readonly holds = new Map<string, Hold>();
  /** `${eventId}/${seatId}` -> id of the hold that took the seat last (live or not). */
  private readonly seatLocks = new Map<string, string>();
  private readonly events = new Map<string, EventHolds>();
  /** Last fencing token per event (kept for the life of the process). */
  private readonly fences = new Map<string, number>();
  /** Holds found expired and not yet reported by takeExpired, per event. */
  private readonly lapsed = new Map<string, Hold[]>();

  constructor(private readonly clock: Clock) {}

  async holdSeats(request: SeatHoldRequest): Promise<HoldOutcome> {
    const event = this.purged(request.eventId);
    const limited = this.userLimit(event, request.userId, request.seatIds.length, request.maxPerUser);
    if (limited) return limited;
    const conflicts: Array<{ seatId: string; expiresAt: Date }> = [];
    for (const seatId of request.seatIds) {
      const holder = this.liveHolder(request.eventId, seatId);
      if (holder) conflicts.push({ seatId, expiresAt: holder.expiresAt });
    }
    if (conflicts.length > 0) return { ok: false, reason: 'seats_taken', conflicts };
    const hold = this.insert(event, request, [...request.seatIds], request.seatIds.length);
    for (const seatId of hold.seatIds) this.seatLocks.set(`${hold.eventId}/${seatId}`, hold.id);
    return { ok: true, hold: copy(hold) };
  }

  async holdQuantity(request: QuantityHoldRequest): Promise<HoldOutcome> {
    const event = this.purged(request.eventId);
    const limited = this.userLimit(event, request.userId, request.quantity, request.maxPerUser);
    if (limited) return limited;
    if (event.held + request.quantity > request.capacity) {
      return { ok: false, reason: 'capacity_exhausted', available: Math.max(0, request.capacity - event.held) };
    }
    return { ok: true, hold: copy(this.insert(event, request, [], request.quantity)) };
  }

  async get(holdId: string): Promise<Hold | null> {
    const hold = this.live(holdId);
    return hold ? copy(hold) : null;
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
    const { expiries } = this.eventOf(hold.eventId);
    expiries.delete([hold.expiresAt.getTime(), hold.id]);
    hold.expiresAt = new Date(expiresAt.getTime());
    expiries.insert([hold.expiresAt.getTime(), hold.id]);
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
    return this.purged(eventId).held;
  }

  async takeExpired(eventId: string): Promise<ExpiredHolds> {
    this.purged(eventId);
    const lapsed = this.lapsed.get(eventId) ?? [];
    this.lapsed.delete(eventId);
    // A seat taken again since its hold lapsed is not free: it is not reported.
    const seatIds = lapsed.flatMap((hold) => hold.seatIds).filter((seatId) => !this.liveHolder(eventId, seatId));
    const places = lapsed.filter((hold) => hold.seatIds.length === 0).reduce((sum, hold) => sum + hold.quantity, 0);
    return { seatIds: [...new Set(seatIds)], places };
  }

  private insert(event: EventHolds, request: { holdId: string; eventId: string; userId: string; ttlMs: number }, seatIds: string[], quantity: number): Hold {
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
    event.expiries.insert([hold.expiresAt.getTime(), hold.id]);
    event.held += quantity;
    let mine = event.byUser.get(hold.userId);
    if (!mine) event.byUser.set(hold.userId, (mine = new Set()));
    mine.add(hold.id);
    return hold;
  }

  private userLimit(event: EventHolds, userId: string, adding: number, limit: number): HoldOutcome | null {
    let held = 0;
    for (const id of event.byUser.get(userId) ?? []) held += this.holds.get(id)?.quantity ?? 0;
    return held + adding > limit ? { ok: false, reason: 'user_limit', held, limit } : null;
  }

  private live(holdId: string): Hold | null {
    const hold = this.holds.get(holdId);
    if (!hold) return null;
    if (hold.expiresAt.getTime() > this.clock.now().getTime()) return hold;
    this.lapse(hold);
    return null;
  }

  private liveHolder(eventId: string, seatId: string): Hold | null {
    const holdId = this.seatLocks.get(`${eventId}/${seatId}`);
    return holdId === undefined ? null : this.live(holdId);
  }

  private eventOf(eventId: string): EventHolds {
    let event = this.events.get(eventId);
    if (!event) this.events.set(eventId, (event = { expiries: new OrderStatisticTree(byExpiry), held: 0, byUser: new Map() }));
    return event;
  }

  /** The event's holds with every lapsed one dropped (the lazy part of lazy expiry): O(what lapsed). */
  private purged(eventId: string): EventHolds {
    const event = this.eventOf(eventId);
    const now = this.clock.now().getTime();
    for (let first = event.expiries.min(); first !== undefined && first[0] <= now; first = event.expiries.min()) {
      const hold = this.holds.get(first[1]);
      if (hold) this.lapse(hold);
      else event.expiries.delete(first);
    }
    return event;
  }

  private lapse(hold: Hold): void {
    this.remove(hold);
    const lapsed = this.lapsed.get(hold.eventId);
    if (lapsed) lapsed.push(hold);
    else this.lapsed.set(hold.eventId, [hold]);
  }

  private remove(hold: Hold): void {
    this.holds.delete(hold.id);
    for (const seatId of hold.seatIds) {
      const key = `${hold.eventId}/${seatId}`;
      if (this.seatLocks.get(key) === hold.id) this.seatLocks.delete(key);
    }
    const event = this.events.get(hold.eventId);
    if (!event) return;
    event.expiries.delete([hold.expiresAt.getTime(), hold.id]);
    event.held -= hold.quantity;
    const mine = event.byUser.get(hold.userId);
    mine?.delete(hold.id);
    // The event's entry stays (a few bytes): callers hold it across the removals they cause.
    if (mine?.size === 0) event.byUser.delete(hold.userId);
  }
}

function copy(hold: Hold): Hold {
  return { ...hold, seatIds: [...hold.seatIds], createdAt: new Date(hold.createdAt.getTime()), expiresAt: new Date(hold.expiresAt.getTime()) };
}
