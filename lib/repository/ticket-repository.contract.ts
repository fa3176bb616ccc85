import { ConflictError, NotFoundError } from '../domain/errors';
import { newId } from '../domain/id';
import type { Ticket } from '../domain/ticket';
import type { EventRepository } from './event-repository';
import { anEvent } from './event-repository.contract';
import type { SeatRepository } from './seat-repository';
import type { ReservationRequest, TicketRepository } from './ticket-repository';

export interface TicketContractDeps {
  tickets: TicketRepository;
  events: EventRepository;
  seats: SeatRepository;
  close(): Promise<void>;
}

const MINUTE = 60_000;

/** The behaviour every TicketRepository must have, including under concurrency with no hold layer at all. */
export function ticketRepositoryContract(open: () => Promise<TicketContractDeps>): void {
  let d: TicketContractDeps;
  beforeAll(async () => {
    d = await open();
  });
  afterAll(async () => {
    await d?.close();
  });

  async function seatedEvent(count: number): Promise<{ eventId: string; seatIds: string[] }> {
    const event = anEvent();
    await d.events.create(event);
    await d.seats.addMany(event.id, Array.from({ length: count }, (_, i) => ({ section: 'A', row: '1', number: String(i + 1), priceCents: 1_000 + i, category: null })));
    const seats = await d.seats.list(event.id, { limit: 100, cursor: null });
    return { eventId: event.id, seatIds: seats.items.map((s) => s.id) };
  }

  async function standingEvent(capacity: number): Promise<string> {
    const event = anEvent({ isSeatedEvent: false, totalTickets: capacity });
    await d.events.create(event);
    return event.id;
  }

  function request(eventId: string, overrides: Partial<ReservationRequest> = {}): ReservationRequest {
    const now = new Date();
    return { eventId, userId: `u-${newId()}`, seatIds: [], quantity: 1, holdId: null, now, reservedUntil: new Date(now.getTime() + 10 * MINUTE), ...overrides };
  }

  it('reserves seats all together: tickets, seat status, history', async () => {
    const { eventId, seatIds } = await seatedEvent(3);
    const tickets = await d.tickets.reserve(request(eventId, { userId: 'alice', seatIds: seatIds.slice(0, 2), holdId: 'h1' }));
    expect(tickets.map((t) => [t.seatId, t.status, t.priceCents, t.userId, t.holdId])).toEqual([
      [seatIds[0], 'reserved', 1_000, 'alice', 'h1'],
      [seatIds[1], 'reserved', 1_001, 'alice', 'h1'],
    ]);
    expect(await d.tickets.findById(tickets[0]!.id)).toEqual(tickets[0]);
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 1, reserved: 2, sold: 0 });
    expect(await d.tickets.history(tickets[0]!.id)).toEqual([
      { ticketId: tickets[0]!.id, fromStatus: null, toStatus: 'reserved', actor: 'alice', reason: 'purchase', at: tickets[0]!.createdAt },
    ]);
    expect(await d.tickets.countLive(eventId)).toEqual({ reserved: 2, sold: 0 });
  });

  it('purchases made in the same moment each get their own all-or-nothing outcome', async () => {
    // Asked for in one tick, so an implementation that gathers purchases (Postgres: one statement per
    // turn) gets them together.
    const { eventId, seatIds: s } = await seatedEvent(6);
    const other = await seatedEvent(1);
    const standing = await standingEvent(5);
    const reserve = (overrides: Partial<ReservationRequest>, eventIdOf = eventId) => d.tickets.reserve(request(eventIdOf, overrides)).then(
      async (tickets) => {
        for (const ticket of tickets) expect(await d.tickets.findById(ticket.id)).toEqual(ticket);
        return tickets.map((t) => (t.seatId === null ? 'place' : `${t.seatId} at ${t.priceCents}`));
      },
      (error: unknown) => (error instanceof ConflictError || error instanceof NotFoundError ? `${error.code}` : `unexpected: ${String(error)}`),
    );
    const outcomes = await Promise.all([
      reserve({ seatIds: [s[0]!, s[1]!] }),
      reserve({ seatIds: [s[2]!, s[2]!] }),
      reserve({ seatIds: [s[1]!, s[3]!] }),
      reserve({ seatIds: [newId()] }),
      reserve({ seatIds: [other.seatIds[0]!] }),
      reserve({ quantity: 2 }, standing),
      reserve({ quantity: 2 }, standing),
      reserve({ quantity: 2 }, standing),
      reserve({ quantity: 1 }, standing),
    ]);
    expect(outcomes).toEqual([
      [`${s[0]} at 1000`, `${s[1]} at 1001`],
      [`${s[2]} at 1002`],
      'seats-unavailable',
      'not-found',
      'not-found',
      ['place', 'place'],
      ['place', 'place'],
      'sold-out',
      ['place'],
    ]);
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 3, reserved: 3, sold: 0 });
    expect(await d.seats.countByStatus(other.eventId)).toEqual({ available: 1, reserved: 0, sold: 0 });
    expect(await d.tickets.countLiveStanding(standing)).toBe(5);
  });

  it('a purchase that breaks the statement it shares fails alone; the others go ahead', async () => {
    const { eventId, seatIds } = await seatedEvent(3);
    const standing = await standingEvent(2);
    // Not an id at all: no caller sends this (the API validates ids), but it fails any statement it is in.
    const broken = 'not-an-id';
    const settled = async (requests: ReservationRequest[]) => (await Promise.allSettled(requests.map((r) => d.tickets.reserve(r)))).map((o) => o.status);
    // Seats go through; the places' statement breaks: the seats must not be bought twice.
    expect(await settled([
      request(eventId, { seatIds: [seatIds[0]!] }),
      request(eventId, { seatIds: [seatIds[1]!] }),
      request(standing, { quantity: 1 }),
      request(broken, { quantity: 1 }),
      request(standing, { quantity: 1 }),
    ])).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await settled([request(eventId, { seatIds: [seatIds[2]!] }), request(broken, { seatIds: [broken] })])).toEqual(['fulfilled', 'rejected']);
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 0, reserved: 3, sold: 0 });
    expect(await d.tickets.countLiveStanding(standing)).toBe(2);
  });

  it('refuses a purchase whose hold lapsed before it reached the store, alone or with others', async () => {
    const { eventId, seatIds } = await seatedEvent(3);
    const standing = await standingEvent(3);
    const lapsed = new Date(Date.now() - 1_000);
    const live = new Date(Date.now() + MINUTE);
    const outcome = (r: ReservationRequest) => d.tickets.reserve(r).then((tickets) => tickets.length, (error: unknown) => (error as ConflictError).code);
    expect(await outcome(request(eventId, { seatIds: [seatIds[0]!], holdExpiresAt: lapsed }))).toBe('hold-expired');
    expect(await outcome(request(standing, { quantity: 1, holdExpiresAt: lapsed }))).toBe('hold-expired');
    expect(await Promise.all([
      outcome(request(eventId, { seatIds: [seatIds[1]!], holdExpiresAt: lapsed })),
      outcome(request(eventId, { seatIds: [seatIds[2]!], holdExpiresAt: live })),
      outcome(request(standing, { quantity: 1, holdExpiresAt: live })),
      outcome(request(standing, { quantity: 1, holdExpiresAt: lapsed })),
    ])).toEqual(['hold-expired', 1, 1, 'hold-expired']);
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 2, reserved: 1, sold: 0 });
    expect(await d.tickets.countLiveStanding(standing)).toBe(1);
  });

  it('refuses a taken seat with its id and changes nothing (all or none)', async () => {
    const { eventId, seatIds } = await seatedEvent(2);
    await d.tickets.reserve(request(eventId, { seatIds: [seatIds[1]!] }));
    const error = await d.tickets.reserve(request(eventId, { seatIds })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).extensions).toEqual({ conflicting_seat_ids: [seatIds[1]] });
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 1, reserved: 1, sold: 0 });
  });

  it('404s an unknown event or a seat of another event', async () => {
    const { eventId } = await seatedEvent(1);
    const other = await seatedEvent(1);
    await expect(d.tickets.reserve(request(newId()))).rejects.toBeInstanceOf(NotFoundError);
    await expect(d.tickets.reserve(request(eventId, { seatIds: other.seatIds }))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('follows the lifecycle and moves the seat along; illegal moves are 409 and change nothing', async () => {
    const { eventId, seatIds } = await seatedEvent(1);
    const [ticket] = await d.tickets.reserve(request(eventId, { seatIds }));
    const move = (to: Ticket['status']) => d.tickets.transition({ ticketId: ticket!.id, to, actor: 'bob', reason: 'test', now: new Date() });
    expect((await move('sold'))?.status).toBe('sold');
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 0, reserved: 0, sold: 1 });
    await expect(move('expired')).rejects.toBeInstanceOf(ConflictError);
    expect((await move('cancelled'))?.status).toBe('cancelled');
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 1, reserved: 0, sold: 0 });
    await expect(move('sold')).rejects.toMatchObject({ code: 'ticket-cancelled' });
    expect((await d.tickets.history(ticket!.id)).map((h) => [h.fromStatus, h.toStatus])).toEqual([[null, 'reserved'], ['reserved', 'sold'], ['sold', 'cancelled']]);
    expect(await d.tickets.transition({ ticketId: newId(), to: 'sold', actor: 'x', reason: 'x', now: new Date() })).toBeNull();
  });

  it('tryTransition moves an owned, legal, not-due ticket in one step, seat and history along', async () => {
    const { eventId, seatIds } = await seatedEvent(1);
    const [ticket] = await d.tickets.reserve(request(eventId, { userId: 'carol', seatIds }));
    const now = new Date();
    const sold = await d.tickets.tryTransition({ ticketId: ticket!.id, to: 'sold', actor: 'carol', reason: 'pay', now }, 'carol');
    expect(sold).toEqual({ ...ticket, status: 'sold', updatedAt: now, version: 1 });
    expect(await d.tickets.findById(ticket!.id)).toEqual(sold);
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 0, reserved: 0, sold: 1 });
    // An admin acts for anyone (no owner given); a refund frees the seat.
    const cancelled = await d.tickets.tryTransition({ ticketId: ticket!.id, to: 'cancelled', actor: 'admin', reason: 'refund', now }, null);
    expect(cancelled).toMatchObject({ status: 'cancelled', version: 2 });
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 1, reserved: 0, sold: 0 });
    expect((await d.tickets.history(ticket!.id)).map((h) => [h.fromStatus, h.toStatus, h.actor, h.reason])).toEqual([
      [null, 'reserved', 'carol', 'purchase'], ['reserved', 'sold', 'carol', 'pay'], ['sold', 'cancelled', 'admin', 'refund'],
    ]);
  });

  it('tryTransition changes nothing and answers null for someone else\'s, due, illegal or unknown tickets', async () => {
    const { eventId, seatIds } = await seatedEvent(2);
    const [mine] = await d.tickets.reserve(request(eventId, { userId: 'dave', seatIds: [seatIds[0]!] }));
    const [due] = await d.tickets.reserve(request(eventId, { userId: 'dave', seatIds: [seatIds[1]!], reservedUntil: new Date(Date.now() - 1) }));
    const move = (ticketId: string, to: Ticket['status'], owner: string | null) => d.tickets.tryTransition({ ticketId, to, actor: 'x', reason: 'x', now: new Date() }, owner);
    expect(await move(mine!.id, 'sold', 'eve')).toBeNull();
    expect(await move(due!.id, 'sold', 'dave')).toBeNull();
    expect(await move(mine!.id, 'reserved', 'dave')).toBeNull();
    expect(await move(newId(), 'sold', null)).toBeNull();
    expect(await d.tickets.findById(mine!.id)).toEqual(mine);
    expect(await d.tickets.findById(due!.id)).toEqual(due);
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 0, reserved: 2, sold: 0 });
    expect(await d.tickets.history(mine!.id)).toHaveLength(1);
  });

  it('tryTransition of many tickets at once answers each on its own; the same ticket twice moves once', async () => {
    const { eventId, seatIds } = await seatedEvent(4);
    const owners = ['o1', 'o2', 'o3', 'o4'].map((o) => `${o}-${newId()}`);
    const tickets = await Promise.all(seatIds.map((seatId, i) => d.tickets.reserve(request(eventId, { userId: owners[i]!, seatIds: [seatId] })).then(([t]) => t!)));
    const now = new Date();
    const move = (ticket: Ticket, to: Ticket['status'], owner: string | null) => d.tickets.tryTransition({ ticketId: ticket.id, to, actor: owner ?? 'admin', reason: 'x', now }, owner);
    const results = await Promise.all([
      move(tickets[0]!, 'sold', owners[0]!),
      move(tickets[1]!, 'cancelled', null),
      move(tickets[2]!, 'sold', owners[0]!),
      move(tickets[3]!, 'sold', owners[3]!),
      move(tickets[3]!, 'sold', owners[3]!),
    ]);
    expect(results.map((t) => t?.status ?? null)).toEqual(['sold', 'cancelled', null, 'sold', null]);
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 1, reserved: 1, sold: 2 });
    expect(await d.tickets.history(tickets[3]!.id)).toHaveLength(2);
  });

  it('expires a due reservation before acting on it, and keeps the expiry when the move is refused', async () => {
    const { eventId, seatIds } = await seatedEvent(1);
    const past = new Date(Date.now() - MINUTE);
    const [ticket] = await d.tickets.reserve(request(eventId, { seatIds, reservedUntil: past }));
    await expect(d.tickets.transition({ ticketId: ticket!.id, to: 'sold', actor: 'bob', reason: 'pay', now: new Date() })).rejects.toMatchObject({ code: 'ticket-expired' });
    expect((await d.tickets.findById(ticket!.id))?.status).toBe('expired');
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 1, reserved: 0, sold: 0 });
    expect((await d.tickets.history(ticket!.id)).at(-1)).toMatchObject({ fromStatus: 'reserved', toStatus: 'expired', actor: 'system' });
  });

  it('a lapsed reservation does not block the seat: the next purchase expires it', async () => {
    const { eventId, seatIds } = await seatedEvent(1);
    const [stale] = await d.tickets.reserve(request(eventId, { seatIds, reservedUntil: new Date(Date.now() - 1) }));
    const [fresh] = await d.tickets.reserve(request(eventId, { seatIds }));
    expect(fresh!.seatId).toBe(seatIds[0]);
    expect((await d.tickets.findById(stale!.id))?.status).toBe('expired');
  });

  it('expires due reservations by ticket, by user and by sweep', async () => {
    const { eventId, seatIds } = await seatedEvent(3);
    // Due only from `later`'s point of view, so that sweepers of other apps sharing the database leave them be.
    const later = new Date(Date.now() + 2 * 60 * MINUTE);
    const userId = `u-${newId()}`;
    const [a] = await d.tickets.reserve(request(eventId, { seatIds: [seatIds[0]!] }));
    const [b] = await d.tickets.reserve(request(eventId, { seatIds: [seatIds[1]!], userId }));
    expect(await d.tickets.expireDue({ ticketIds: [a!.id] }, later)).toEqual([{ id: a!.id, eventId: a!.eventId, seatId: a!.seatId }]);
    expect(await d.tickets.expireDue({ userId }, later)).toHaveLength(1);
    expect((await d.tickets.findById(b!.id))?.status).toBe('expired');
    const [c] = await d.tickets.reserve(request(eventId, { seatIds: [seatIds[2]!], reservedUntil: new Date(Date.now() - 1) }));
    // Null while another process sweeps: then that one expires it.
    for (let attempt = 0; attempt < 100 && (await d.tickets.findById(c!.id))?.status === 'reserved'; attempt++) {
      if ((await d.tickets.sweepExpired(new Date(), 10_000)) === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await d.tickets.findById(c!.id))?.status).toBe('expired');
    expect(await d.seats.countByStatus(eventId)).toEqual({ available: 3, reserved: 0, sold: 0 });
  });

  it('pages a user\'s tickets in creation order', async () => {
    const { eventId, seatIds } = await seatedEvent(3);
    const userId = `u-${newId()}`;
    const tickets = await d.tickets.reserve(request(eventId, { userId, seatIds }));
    const first = await d.tickets.listByUser(userId, { limit: 2, cursor: null });
    expect(first.items.map((t) => t.id)).toEqual(tickets.slice(0, 2).map((t) => t.id));
    const second = await d.tickets.listByUser(userId, { limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ items: [tickets[2]], nextCursor: null });
  });

  it('never sells a standing event past its capacity, even in one multi-ticket request', async () => {
    const eventId = await standingEvent(3);
    await d.tickets.reserve(request(eventId, { quantity: 2 }));
    await expect(d.tickets.reserve(request(eventId, { quantity: 2 }))).rejects.toMatchObject({ code: 'sold-out' });
    const [last] = await d.tickets.reserve(request(eventId, { quantity: 1 }));
    expect(last!.seatId).toBeNull();
    await expect(d.tickets.reserve(request(eventId, { quantity: 1 }))).rejects.toMatchObject({ code: 'sold-out' });
    expect(await d.tickets.countLiveStanding(eventId)).toBe(3);
    await d.tickets.transition({ ticketId: last!.id, to: 'cancelled', actor: 'x', reason: 'x', now: new Date() });
    expect(await d.tickets.countLiveStanding(eventId)).toBe(2);
    const [again] = await d.tickets.reserve(request(eventId, { quantity: 1 }));
    await d.tickets.transition({ ticketId: again!.id, to: 'sold', actor: 'x', reason: 'x', now: new Date() });
    expect(await d.tickets.countLive(eventId)).toEqual({ reserved: 2, sold: 1 });
    expect(await d.tickets.countLiveStanding(eventId)).toBe(3);
  });

  it('buys a standing hold once: concurrent, batched or later purchases of it are refused as a spent hold', async () => {
    const eventId = await standingEvent(100);
    // Hold ids are the store's; a database shared by runs keeps the ones bought earlier for a while.
    const [twice, other] = [`h-${newId()}`, `h-${newId()}`];
    const spent = (holdId: string) => request(eventId, { userId: 'carol', holdId, quantity: 2, holdExpiresAt: new Date(Date.now() + MINUTE) });
    // Started in one turn, so the batched statement sees the same hold twice beside purchases of other holds.
    const results = await Promise.allSettled([...Array.from({ length: 8 }, () => d.tickets.reserve(spent(twice))), d.tickets.reserve(spent(other))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as ConflictError).code] : []))).toEqual(Array(7).fill('hold-expired'));
    expect(await d.tickets.countLiveStanding(eventId)).toBe(4);
    // Spent even after its tickets are given back: a hold that outlived its purchase buys nothing more.
    const bought = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])).filter((t) => t.holdId === twice);
    expect(bought).toHaveLength(2);
    await d.tickets.transition({ ticketId: bought[0]!.id, to: 'cancelled', actor: 'carol', reason: 'x', now: new Date() });
    await expect(d.tickets.reserve(spent(twice))).rejects.toMatchObject({ code: 'hold-expired' });
    expect(await d.tickets.countLiveStanding(eventId)).toBe(3);
  });

  it('a bought hold stays spent after the expiry its purchase saw and a sweep: the holder may have extended it', async () => {
    const eventId = await standingEvent(10);
    const holdId = `h-${newId()}`;
    await d.tickets.reserve(request(eventId, { holdId, quantity: 2, holdExpiresAt: new Date(Date.now() + 300) }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Another process's sweeper may hold the lock for a moment; one sweep past the first expiry is enough.
    for (let i = 0; i < 100 && (await d.tickets.sweepExpired(new Date(), 100)) === null; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const extended = request(eventId, { holdId, quantity: 2, holdExpiresAt: new Date(Date.now() + MINUTE) });
    await expect(d.tickets.reserve(extended)).rejects.toMatchObject({ code: 'hold-expired' });
    expect(await d.tickets.countLiveStanding(eventId)).toBe(2);
  });

  describe('with no hold layer in front: the database alone', () => {
    it('50 concurrent reservations of one seat: exactly one wins, the rest conflict', async () => {
      const { eventId, seatIds } = await seatedEvent(1);
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => d.tickets.reserve(request(eventId, { seatIds }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(failures.every((e) => e instanceof ConflictError)).toBe(true);
      expect(await d.tickets.countLive(eventId)).toEqual({ reserved: 1, sold: 0 });
    });

    it('overlapping multi-seat reservations in opposite orders: no seat twice, no deadlock', async () => {
      const { eventId, seatIds } = await seatedEvent(4);
      const reversed = [...seatIds].reverse();
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => d.tickets.reserve(request(eventId, { seatIds: i % 2 ? seatIds : reversed }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as ConflictError).code] : []))).toEqual(Array(19).fill('seats-unavailable'));
    });

    it('40 concurrent buyers of a standing event of capacity 7: exactly 7 tickets', async () => {
      const eventId = await standingEvent(7);
      const results = await Promise.allSettled(Array.from({ length: 40 }, () => d.tickets.reserve(request(eventId, { quantity: 1 }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
      expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as ConflictError).code] : []))).toEqual(Array(33).fill('sold-out'));
      expect(await d.tickets.countLive(eventId)).toEqual({ reserved: 7, sold: 0 });
    });
  });
}
