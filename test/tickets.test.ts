import { randomUUID } from 'node:crypto';
import { createEvent, createSeatedEvent } from './support/fixtures';
import { BOTH_PATHS, startTestApp, type TestApp } from './support/test-app';
import { aUser, buySeat, holdSeats, purchase, seatStatus } from './support/tickets';

// Purchase, confirm and cancel are lean routes: the whole suite runs through both ways in.
describe.each(BOTH_PATHS)('%s', (_path, overrides) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp(overrides);
    admin = await t.admin();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('POST /api/v1/tickets/purchase', () => {
    it('buys a hold: 201 reserved tickets, seats reserved, hold released', async () => {
      const { event, seats } = await createSeatedEvent(t, 3);
      const alice = await aUser(t);
      const hold = await holdSeats(t, alice.auth, event.id, [seats[0].id, seats[1].id]);
      const res = await purchase(t, alice.auth, { hold_id: hold.id, fencing_token: hold.fencing_token }).expect(201);
      expect(res.body.tickets).toEqual(
        [seats[0], seats[1]].map((seat) => ({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          event_id: event.id,
          seat_id: seat.id,
          user_id: alice.id,
          status: 'reserved',
          price_cents: 5_000,
          reserved_until: expect.any(String),
          created_at: expect.any(String),
        })),
      );
      const [ticket] = res.body.tickets;
      expect(Date.parse(ticket.reserved_until) - Date.parse(ticket.created_at)).toBe(600_000);
      expect(await seatStatus(t, event.id, seats[0].id)).toBe('reserved');
      expect(await seatStatus(t, event.id, seats[2].id)).toBe('available');
      await t.http.get(`/api/v1/holds/${hold.id}`).set('Authorization', alice.auth).expect(404);
    });

    it('a lost, released or re-taken hold is 409 hold-expired; nothing is sold', async () => {
      const { event, seats } = await createSeatedEvent(t, 1);
      const alice = await aUser(t);
      expect((await purchase(t, alice.auth, { hold_id: randomUUID() }).expect(409)).body.type).toBe('/problems/hold-expired');
      const hold = await holdSeats(t, alice.auth, event.id, [seats[0].id]);
      expect((await purchase(t, alice.auth, { hold_id: hold.id, fencing_token: hold.fencing_token + 1 }).expect(409)).body.type).toBe('/problems/hold-expired');
      await t.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', alice.auth).expect(204);
      expect((await purchase(t, alice.auth, { hold_id: hold.id }).expect(409)).body.type).toBe('/problems/hold-expired');
      expect(await seatStatus(t, event.id, seats[0].id)).toBe('available');
    });

    it("403 for another user's hold, admins included", async () => {
      const { event, seats } = await createSeatedEvent(t, 1);
      const alice = await aUser(t);
      const hold = await holdSeats(t, alice.auth, event.id, [seats[0].id]);
      const res = await purchase(t, (await aUser(t)).auth, { hold_id: hold.id }).expect(403);
      expect(res.body.type).toBe('/problems/hold-not-yours');
      await purchase(t, admin, { hold_id: hold.id }).expect(403);
      await purchase(t, alice.auth, { hold_id: hold.id }).expect(201);
    });

    it('holds and buys a seat in one call; the seat is then taken for everyone', async () => {
      const { event, seats } = await createSeatedEvent(t, 2);
      const ticket = await buySeat(t, (await aUser(t)).auth, event.id, seats[0].id);
      expect(ticket).toMatchObject({ seat_id: seats[0].id, status: 'reserved' });
      const res = await purchase(t, (await aUser(t)).auth, { event_id: event.id, seat_id: seats[0].id }).expect(409);
      expect(res.body.conflicting_seat_ids).toEqual([seats[0].id]);
    });

    it('buys a quantity of a standing event and never beyond its capacity', async () => {
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 3 });
      const res = await purchase(t, (await aUser(t)).auth, { event_id: event.id, quantity: 2 }).expect(201);
      expect(res.body.tickets).toHaveLength(2);
      expect(res.body.tickets.every((ticket: any) => ticket.seat_id === null && ticket.price_cents === 0)).toBe(true);
      await purchase(t, (await aUser(t)).auth, { event_id: event.id, quantity: 2 }).expect(409);
      await purchase(t, (await aUser(t)).auth, { event_id: event.id, quantity: 1 }).expect(201);
      await purchase(t, (await aUser(t)).auth, { event_id: event.id, quantity: 1 }).expect(409);
    });

    it('a standing hold bought by ten requests at once sells its places once; the rest are 409 hold-expired', async () => {
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 10 });
      const alice = await aUser(t);
      const hold = (await t.http.post('/api/v1/holds').set('Authorization', alice.auth).send({ event_id: event.id, quantity: 3 }).expect(201)).body;
      const answers = await Promise.all(Array.from({ length: 10 }, () => purchase(t, alice.auth, { hold_id: hold.id })));
      expect(answers.map((res) => res.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      expect(answers.filter((res) => res.status === 409).every((res) => res.body.type === '/problems/hold-expired')).toBe(true);
      const mine = await t.http.get(`/api/v1/tickets/user/${alice.id}`).set('Authorization', alice.auth).expect(200);
      expect(mine.body.tickets).toHaveLength(3);
    });

    it('rejects bad bodies with 400 and unknown events with 404', async () => {
      const { event, seats } = await createSeatedEvent(t, 1);
      const { auth } = await aUser(t);
      const bad = async (body: unknown, field: string) => {
        const res = await purchase(t, auth, body as Record<string, unknown>).expect(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      };
      await bad({}, 'hold_id');
      await bad({ hold_id: 'nope' }, 'hold_id');
      await bad({ hold_id: randomUUID(), event_id: event.id }, 'event_id');
      await bad({ event_id: event.id }, 'seat_id');
      await bad({ event_id: event.id, seat_id: seats[0].id, quantity: 1 }, 'seat_id');
      await bad({ event_id: event.id, quantity: 0 }, 'quantity');
      await bad({ event_id: event.id, seat_id: seats[0].id, user_id: 'mallory' }, 'user_id');
      await bad({ event_id: event.id, fencing_token: 3, seat_id: seats[0].id }, 'fencing_token');
      await purchase(t, auth, { event_id: randomUUID(), seat_id: seats[0].id }).expect(404);
      await t.http.post('/api/v1/tickets/purchase').send({ event_id: event.id, seat_id: seats[0].id }).expect(401);
      expect(await seatStatus(t, event.id, seats[0].id)).toBe('available');
    });
  });
});
