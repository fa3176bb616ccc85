import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { KYSELY } from '../pkg/postgres/database';
import type { Database } from '../pkg/postgres/tables';
import { createEvent, createSeatedEvent } from './support/fixtures';
import { BOTH_PATHS, startTestApp, type TestApp } from './support/test-app';

// One suite, both ways in: the lean lane in front of Express, and Express alone (LEAN_LANE=off).
describe.each(BOTH_PATHS)('%s', (_path, overrides) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(overrides);
  });
  afterAll(async () => {
    await t?.close();
  });

  const HOUR = 3_600_000;
  const buyer = async () => {
    const id = `buyer-${randomUUID()}`;
    return { id, auth: await t.auth(id) };
  };
  const postHold = (auth: string, body: unknown) => t.http.post('/api/v1/holds').set('Authorization', auth).send(body as object);
  const ids = (seats: Array<Record<string, any>>) => seats.map((seat) => seat.id as string);

  describe('POST /api/v1/holds', () => {
    it('holds seats of a seated event: 201 with the hold', async () => {
      const { event, seats } = await createSeatedEvent(t, 3);
      const alice = await buyer();
      const res = await postHold(alice.auth, { event_id: event.id, seat_ids: ids(seats.slice(0, 2)) }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        event_id: event.id,
        user_id: alice.id,
        seat_ids: ids(seats.slice(0, 2)),
        quantity: 2,
        fencing_token: expect.any(Number),
        created_at: expect.any(String),
        expires_at: expect.any(String),
      });
      expect(res.headers.location).toBe(`/api/v1/holds/${res.body.id}`);
      expect(Date.parse(res.body.expires_at) - Date.parse(res.body.created_at)).toBe(300_000);
    });

    it('409 naming the conflicting seats with Retry-After; takes none of the others', async () => {
      const { event, seats } = await createSeatedEvent(t, 3);
      const [a, b, c] = ids(seats);
      await postHold((await buyer()).auth, { event_id: event.id, seat_ids: [a, b], ttl_seconds: 120 }).expect(201);
      const bob = await buyer();
      const res = await postHold(bob.auth, { event_id: event.id, seat_ids: [c, b] }).expect(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: '/problems/seats-unavailable', status: 409, conflicting_seat_ids: [b] });
      expect(res.body.retry_after_seconds).toBeGreaterThanOrEqual(110);
      expect(res.body.retry_after_seconds).toBeLessThanOrEqual(120);
      expect(res.headers['retry-after']).toBe(String(res.body.retry_after_seconds));
      expect((await t.http.get(`/api/v1/events/${event.id}/seats/${c}`)).body.status).toBe('available');
      await postHold(bob.auth, { event_id: event.id, seat_ids: [c] }).expect(201);
    });

    it('409 without a retry time for a seat that is reserved or sold', async () => {
      const { event, seats } = await createSeatedEvent(t, 2);
      const db = t.runtime.container.get<Kysely<Database>>(KYSELY);
      await db.updateTable('seats').set({ status: 'sold' }).where('id', '=', seats[1]!.id).execute();
      const res = await postHold((await buyer()).auth, { event_id: event.id, seat_ids: ids(seats) }).expect(409);
      expect(res.body).toMatchObject({ type: '/problems/seats-unavailable', conflicting_seat_ids: [seats[1]!.id] });
      expect(res.body.retry_after_seconds).toBeUndefined();
      expect(res.headers['retry-after']).toBeUndefined();
    });

    it('holds standing places up to the capacity, then 409 capacity-exhausted', async () => {
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 5 });
      const res = await postHold((await buyer()).auth, { event_id: event.id, quantity: 3 }).expect(201);
      expect(res.body).toMatchObject({ seat_ids: [], quantity: 3 });
      const full = await postHold((await buyer()).auth, { event_id: event.id, quantity: 3 }).expect(409);
      expect(full.body).toMatchObject({ type: '/problems/capacity-exhausted', available: 2 });
      await postHold((await buyer()).auth, { event_id: event.id, quantity: 2 }).expect(201);
      const detail = await t.http.get(`/api/v1/events/${event.id}`).expect(200);
      expect(detail.body.counts).toEqual({ available: 0, held: 5, reserved: 0, sold: 0 });
    });

    it('409 hold-limit-exceeded past the per-user cap, counted across holds', async () => {
      const { event, seats } = await createSeatedEvent(t, 12);
      const alice = await buyer();
      await postHold(alice.auth, { event_id: event.id, seat_ids: ids(seats.slice(0, 6)) }).expect(201);
      const res = await postHold(alice.auth, { event_id: event.id, seat_ids: ids(seats.slice(6, 11)) }).expect(409);
      expect(res.body).toMatchObject({ type: '/problems/hold-limit-exceeded', held: 6, limit: 10 });
      await postHold(alice.auth, { event_id: event.id, seat_ids: ids(seats.slice(6, 10)) }).expect(201);
      await postHold((await buyer()).auth, { event_id: event.id, seat_ids: ids(seats.slice(10)) }).expect(201);
    });

    it('400 for bad input, naming the field', async () => {
      const { event, seats } = await createSeatedEvent(t, 11);
      const other = await createSeatedEvent(t, 1);
      const standing = await createEvent(t, { is_seated_event: false, total_tickets: 5 });
      const auth = (await buyer()).auth;
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ event_id: event.id, seat_ids: [] }, 'seat_ids'],
        [{ event_id: event.id, seat_ids: ids(seats) }, 'seat_ids'],
        [{ event_id: event.id, seat_ids: [seats[0]!.id, seats[0]!.id] }, 'seat_ids'],
        [{ event_id: event.id, seat_ids: ['not-a-uuid'] }, 'seat_ids'],
        [{ event_id: event.id, seat_ids: [seats[0]!.id, other.seats[0]!.id] }, 'seat_ids[1]'],
        [{ event_id: event.id, seat_ids: [randomUUID()] }, 'seat_ids[0]'],
        [{ event_id: event.id }, 'seat_ids'],
        [{ event_id: event.id, quantity: 1 }, 'quantity'],
        [{ event_id: standing.id, quantity: 0 }, 'quantity'],
        [{ event_id: standing.id, quantity: 11 }, 'quantity'],
        [{ event_id: standing.id }, 'quantity'],
        [{ event_id: standing.id, seat_ids: [seats[0]!.id] }, 'seat_ids'],
        [{ event_id: standing.id, quantity: 1, ttl_seconds: 0 }, 'ttl_seconds'],
        [{ event_id: standing.id, quantity: 1, ttl_seconds: 901 }, 'ttl_seconds'],
        [{ event_id: standing.id, quantity: 1, ttl_seconds: 1.5 }, 'ttl_seconds'],
        [{ event_id: standing.id, quantity: 1, extra: true }, 'extra'],
        [{ event_id: 'nope', quantity: 1 }, 'event_id'],
      ];
      for (const [body, field] of cases) {
        const res = await postHold(auth, body);
        expect({ body, status: res.status, type: res.body.type }).toEqual({ body, status: 400, type: '/problems/validation-error' });
        expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      }
      await postHold(auth, { event_id: randomUUID(), quantity: 1 }).expect(404);
      await t.http.post('/api/v1/holds').send({ event_id: standing.id, quantity: 1 }).expect(401);
    });

    it('409 outside the sale window, each with its own type', async () => {
      const now = Date.now();
      const at = (ms: number) => new Date(now + ms).toISOString();
      const auth = (await buyer()).auth;
      const standing = { is_seated_event: false, total_tickets: 5 };
      const scheduled = await createEvent(t, { ...standing, sale_starts_at: at(HOUR) });
      const closed = await createEvent(t, { ...standing, sale_starts_at: at(-2 * HOUR), sale_ends_at: at(-HOUR) });
      const ended = await createEvent(t, { ...standing, start_time: at(-3 * HOUR), end_time: at(-HOUR) });
      const notOpen = await postHold(auth, { event_id: scheduled.id, quantity: 1 }).expect(409);
      expect(notOpen.body).toMatchObject({ type: '/problems/sale-not-open', sale_starts_at: at(HOUR) });
      expect(Number(notOpen.headers['retry-after'])).toBeGreaterThan(3_500);
      expect((await postHold(auth, { event_id: closed.id, quantity: 1 }).expect(409)).body.type).toBe('/problems/sale-closed');
      expect((await postHold(auth, { event_id: ended.id, quantity: 1 }).expect(409)).body.type).toBe('/problems/event-ended');
    });
  });
});
