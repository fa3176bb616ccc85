import type { Hold } from '../domain/hold';
import { newId } from '../domain/id';
import type { HoldOutcome, HoldStore, QuantityHoldRequest, SeatHoldRequest } from './hold-store';

export interface HoldStoreHarness {
  store: HoldStore;
  /** Lets `ms` pass: a fake clock is moved, a real server is waited for. */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

const LONG = 60_000;
// Short enough to wait out, long enough that nothing in the suite depends on racing it.
const SHORT = 150;
const PAST_SHORT = 400;

/** The behaviour every HoldStore must have; run against each implementation. */
export function holdStoreContract(open: () => Promise<HoldStoreHarness>): void {
  let h: HoldStoreHarness;
  beforeAll(async () => {
    h = await open();
  });
  afterAll(async () => {
    await h?.close();
  });

  const seats = (n: number) => Array.from({ length: n }, () => newId());
  const seatReq = (eventId: string, seatIds: string[], over: Partial<SeatHoldRequest> = {}): SeatHoldRequest => ({
    holdId: newId(), eventId, userId: `user-${newId()}`, seatIds, ttlMs: LONG, maxPerUser: 10, ...over,
  });
  const qtyReq = (eventId: string, quantity: number, capacity: number, over: Partial<QuantityHoldRequest> = {}): QuantityHoldRequest => ({
    holdId: newId(), eventId, userId: `user-${newId()}`, quantity, capacity, ttlMs: LONG, maxPerUser: 10, ...over,
  });
  const won = (outcome: HoldOutcome) => {
    if (!outcome.ok) throw new Error(`expected a hold, got ${JSON.stringify(outcome)}`);
    return outcome.hold;
  };

  it('holds seats and returns the live hold by id', async () => {
    const eventId = newId();
    const request = seatReq(eventId, seats(2));
    const hold = won(await h.store.holdSeats(request));
    expect(hold).toMatchObject({ id: request.holdId, eventId, userId: request.userId, seatIds: request.seatIds, quantity: 2 });
    expect(hold.expiresAt.getTime() - hold.createdAt.getTime()).toBe(LONG);
    expect(await h.store.get(hold.id)).toEqual(hold);
    expect(await h.store.get(newId())).toBeNull();
  });

  it('is exclusive and all-or-nothing: a partly taken request takes nothing', async () => {
    const eventId = newId();
    const [a, b, c] = seats(3) as [string, string, string];
    const first = won(await h.store.holdSeats(seatReq(eventId, [a, b])));
    const second = await h.store.holdSeats(seatReq(eventId, [c, b]));
    expect(second).toEqual({ ok: false, reason: 'seats_taken', conflicts: [{ seatId: b, expiresAt: expect.any(Date) }] });
    if (second.ok || second.reason !== 'seats_taken') return;
    expect(Math.abs(second.conflicts[0]!.expiresAt.getTime() - first.expiresAt.getTime())).toBeLessThan(1_000);
    expect((await h.store.seatHolds(eventId, [c])).size).toBe(0);
    won(await h.store.holdSeats(seatReq(eventId, [c])));
  });

  it('lets exactly one of many simultaneous requests take a seat', async () => {
    const eventId = newId();
    const [seat] = seats(1) as [string];
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => h.store.holdSeats(seatReq(eventId, [seat]))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });

  it('keeps events apart: the same seat id in two events does not conflict', async () => {
    const [seat] = seats(1) as [string];
    won(await h.store.holdSeats(seatReq(newId(), [seat])));
    won(await h.store.holdSeats(seatReq(newId(), [seat])));
  });

  it('stops blocking once the TTL passes, with no sweeper', async () => {
    const eventId = newId();
    const held = seats(2);
    const first = won(await h.store.holdSeats(seatReq(eventId, held, { ttlMs: SHORT })));
    await h.elapse(PAST_SHORT);
    expect(await h.store.get(first.id)).toBeNull();
    expect((await h.store.seatHolds(eventId, held)).size).toBe(0);
    expect(await h.store.heldCount(eventId)).toBe(0);
    const second = won(await h.store.holdSeats(seatReq(eventId, held)));
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    expect(await h.store.release(first.id)).toBeNull();
    expect(await h.store.extend(first.id, new Date(Date.now() + LONG))).toBeNull();
  });

  it('releases a live hold once and frees its seats', async () => {
    const eventId = newId();
    const held = seats(2);
    const hold = won(await h.store.holdSeats(seatReq(eventId, held)));
    expect(await h.store.release(hold.id)).toEqual(hold);
    expect(await h.store.release(hold.id)).toBeNull();
    expect(await h.store.get(hold.id)).toBeNull();
    expect(await h.store.heldCount(eventId)).toBe(0);
    won(await h.store.holdSeats(seatReq(eventId, held)));
  });

  it('releases a hold known from an earlier read the same way, user cap included', async () => {
    const eventId = newId();
    const held = seats(2);
    const request = seatReq(eventId, held, { maxPerUser: 2 });
    const hold = won(await h.store.holdSeats(request));
    expect(await h.store.release(hold.id, hold)).toEqual(hold);
    expect(await h.store.release(hold.id, hold)).toBeNull();
    expect(await h.store.get(hold.id)).toBeNull();
    expect(await h.store.heldCount(eventId)).toBe(0);
    const standing = won(await h.store.holdQuantity(qtyReq(eventId + '-standing', 3, 3)));
    expect(await h.store.release(standing.id, standing)).toEqual(standing);
    won(await h.store.holdQuantity(qtyReq(eventId + '-standing', 3, 3)));
    won(await h.store.holdSeats({ ...request, holdId: newId() }));
  });

  it('extends a live hold: its seats stay locked past the first expiry', async () => {
    const eventId = newId();
    const held = seats(2);
    const hold = won(await h.store.holdSeats(seatReq(eventId, held, { ttlMs: SHORT })));
    const later = new Date(hold.createdAt.getTime() + LONG);
    const extended = await h.store.extend(hold.id, later);
    expect(extended).toEqual({ ...hold, expiresAt: later });
    await h.elapse(PAST_SHORT);
    expect(await h.store.get(hold.id)).toEqual(extended);
    const locks = await h.store.seatHolds(eventId, held);
    expect([...locks.values()].map((lock) => lock.holdId)).toEqual([hold.id, hold.id]);
    expect(locks.get(held[0]!)!.expiresAt).toEqual(later);
    expect((await h.store.holdSeats(seatReq(eventId, [held[1]!]))).ok).toBe(false);
  });

  it('keeps counting an extended hold in the user cap past its first expiry', async () => {
    const eventId = newId();
    const userId = `user-${newId()}`;
    // Side by side, so both are extended well inside their short TTL.
    const [seated, standing] = (
      await Promise.all([
        h.store.holdSeats(seatReq(eventId, seats(2), { userId, maxPerUser: 4, ttlMs: SHORT })),
        h.store.holdQuantity(qtyReq(`${eventId}-standing`, 2, 10, { userId, maxPerUser: 4, ttlMs: SHORT })),
      ])
    ).map(won) as [Hold, Hold];
    const extended = await Promise.all([seated, standing].map((hold) => h.store.extend(hold.id, new Date(hold.createdAt.getTime() + LONG))));
    expect(extended.every((hold) => hold !== null)).toBe(true);
    await h.elapse(PAST_SHORT);
    expect(await h.store.holdSeats(seatReq(eventId, seats(3), { userId, maxPerUser: 4 }))).toEqual({ ok: false, reason: 'user_limit', held: 2, limit: 4 });
    expect(await h.store.holdQuantity(qtyReq(`${eventId}-standing`, 3, 10, { userId, maxPerUser: 4 }))).toEqual({ ok: false, reason: 'user_limit', held: 2, limit: 4 });
    won(await h.store.holdSeats(seatReq(eventId, seats(2), { userId, maxPerUser: 4 })));
  });

  it('reports who holds which seat, and how many are held', async () => {
    const eventId = newId();
    const [a, b, free] = seats(3) as [string, string, string];
    const hold = won(await h.store.holdSeats(seatReq(eventId, [a, b])));
    const locks = await h.store.seatHolds(eventId, [a, free, b]);
    expect([...locks.keys()].sort()).toEqual([a, b].sort());
    // Exactly the hold's expiry, to the millisecond: seat maps show it as `held_until`.
    expect(locks.get(a)).toEqual({ holdId: hold.id, userId: hold.userId, expiresAt: hold.expiresAt });
    expect(await h.store.heldCount(eventId)).toBe(2);
  });

  it('caps what one user holds per event, across holds', async () => {
    const eventId = newId();
    const userId = `user-${newId()}`;
    won(await h.store.holdSeats(seatReq(eventId, seats(2), { userId, maxPerUser: 3 })));
    expect(await h.store.holdSeats(seatReq(eventId, seats(2), { userId, maxPerUser: 3 }))).toEqual({ ok: false, reason: 'user_limit', held: 2, limit: 3 });
    won(await h.store.holdSeats(seatReq(eventId, seats(1), { userId, maxPerUser: 3 })));
    won(await h.store.holdSeats(seatReq(eventId, seats(2), { maxPerUser: 3 })));
    won(await h.store.holdSeats(seatReq(newId(), seats(3), { userId, maxPerUser: 3 })));
  });

  it('frees the user cap when a hold is released or expires', async () => {
    const eventId = newId();
    const userId = `user-${newId()}`;
    const standing = won(await h.store.holdQuantity(qtyReq(eventId, 2, 100, { userId, maxPerUser: 3 })));
    won(await h.store.holdQuantity(qtyReq(eventId, 1, 100, { userId, maxPerUser: 3, ttlMs: SHORT })));
    expect((await h.store.holdQuantity(qtyReq(eventId, 1, 100, { userId, maxPerUser: 3 }))).ok).toBe(false);
    await h.elapse(PAST_SHORT);
    won(await h.store.holdQuantity(qtyReq(eventId, 1, 100, { userId, maxPerUser: 3 })));
    await h.store.release(standing.id);
    won(await h.store.holdQuantity(qtyReq(eventId, 2, 100, { userId, maxPerUser: 3 })));
  });

  it('counts lapsed holds out of the user cap, on refusals too', async () => {
    const eventId = newId();
    const userId = `user-${newId()}`;
    won(await h.store.holdSeats(seatReq(eventId, seats(2), { userId, maxPerUser: 3, ttlMs: SHORT })));
    won(await h.store.holdSeats(seatReq(eventId, seats(1), { userId, maxPerUser: 3 })));
    await h.elapse(PAST_SHORT);
    expect(await h.store.holdSeats(seatReq(eventId, seats(3), { userId, maxPerUser: 3 }))).toEqual({ ok: false, reason: 'user_limit', held: 1, limit: 3 });
    won(await h.store.holdSeats(seatReq(eventId, seats(2), { userId, maxPerUser: 3 })));
    expect(await h.store.holdSeats(seatReq(eventId, seats(1), { userId, maxPerUser: 3 }))).toEqual({ ok: false, reason: 'user_limit', held: 3, limit: 3 });
  });

  it('never lets standing holds exceed capacity, and gives places back', async () => {
    const eventId = newId();
    const first = won(await h.store.holdQuantity(qtyReq(eventId, 3, 5)));
    expect(first).toMatchObject({ quantity: 3, seatIds: [] });
    expect(await h.store.holdQuantity(qtyReq(eventId, 3, 5))).toEqual({ ok: false, reason: 'capacity_exhausted', available: 2 });
    won(await h.store.holdQuantity(qtyReq(eventId, 2, 5)));
    expect(await h.store.heldCount(eventId)).toBe(5);
    await h.store.release(first.id);
    expect(await h.store.heldCount(eventId)).toBe(2);
    won(await h.store.holdQuantity(qtyReq(eventId, 3, 5)));
  });

  it('counts expired standing holds out before checking capacity', async () => {
    const eventId = newId();
    won(await h.store.holdQuantity(qtyReq(eventId, 4, 5, { ttlMs: SHORT })));
    const extended = won(await h.store.holdQuantity(qtyReq(eventId, 1, 5, { ttlMs: SHORT })));
    await h.store.extend(extended.id, new Date(extended.createdAt.getTime() + LONG));
    await h.elapse(PAST_SHORT);
    expect(await h.store.heldCount(eventId)).toBe(1);
    won(await h.store.holdQuantity(qtyReq(eventId, 4, 5)));
    expect((await h.store.holdQuantity(qtyReq(eventId, 1, 5))).ok).toBe(false);
  });

  it('takes exactly the capacity under simultaneous requests', async () => {
    const eventId = newId();
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => h.store.holdQuantity(qtyReq(eventId, 1, 17))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(17);
    expect(await h.store.heldCount(eventId)).toBe(17);
  });

  it('reports each lapsed seat hold once, after it expired, unless released or taken again', async () => {
    const eventId = newId();
    const [a, b, c, d] = seats(4) as [string, string, string, string];
    won(await h.store.holdSeats(seatReq(eventId, [a, b], { ttlMs: SHORT })));
    const released = won(await h.store.holdSeats(seatReq(eventId, [c], { ttlMs: SHORT })));
    won(await h.store.holdSeats(seatReq(eventId, [d], { ttlMs: LONG })));
    expect(await h.store.takeExpired(eventId)).toEqual({ seatIds: [], places: 0 });
    await h.store.release(released.id);
    await h.elapse(PAST_SHORT);
    won(await h.store.holdSeats(seatReq(eventId, [b])));
    expect(await h.store.takeExpired(eventId)).toEqual({ seatIds: [a], places: 0 });
    expect(await h.store.takeExpired(eventId)).toEqual({ seatIds: [], places: 0 });
  });

  it("reports the lapse of an event's only hold", async () => {
    const eventId = newId();
    const [a] = seats(1) as [string];
    won(await h.store.holdSeats(seatReq(eventId, [a], { ttlMs: SHORT })));
    await h.elapse(PAST_SHORT);
    expect(await h.store.takeExpired(eventId)).toEqual({ seatIds: [a], places: 0 });
  });

  it("reports the lapse of an event's only standing holds", async () => {
    const eventId = newId();
    won(await h.store.holdQuantity(qtyReq(eventId, 2, 10, { ttlMs: SHORT })));
    await h.elapse(PAST_SHORT);
    expect(await h.store.takeExpired(eventId)).toEqual({ seatIds: [], places: 2 });
    expect(await h.store.heldCount(eventId)).toBe(0);
  });

  it('reports lapsed standing places once', async () => {
    const eventId = newId();
    won(await h.store.holdQuantity(qtyReq(eventId, 2, 10, { ttlMs: SHORT })));
    won(await h.store.holdQuantity(qtyReq(eventId, 3, 10, { ttlMs: SHORT })));
    won(await h.store.holdQuantity(qtyReq(eventId, 4, 10, { ttlMs: LONG })));
    await h.elapse(PAST_SHORT);
    expect(await h.store.takeExpired(eventId)).toEqual({ seatIds: [], places: 5 });
    expect(await h.store.takeExpired(eventId)).toEqual({ seatIds: [], places: 0 });
    expect(await h.store.heldCount(eventId)).toBe(4);
  });

  it('issues strictly increasing fencing tokens per event', async () => {
    const eventId = newId();
    const tokens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const hold = won(i % 2 ? await h.store.holdQuantity(qtyReq(eventId, 1, 100)) : await h.store.holdSeats(seatReq(eventId, seats(1))));
      tokens.push(hold.fencingToken);
      if (i === 2) await h.store.release(hold.id);
    }
    expect(tokens.every((token, i) => i === 0 || token > tokens[i - 1]!)).toBe(true);
    expect(tokens.every(Number.isSafeInteger)).toBe(true);
  });
}
