import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { requestHash } from '../internal/service/idempotency.service';
import { IdempotencyStore } from '../lib/repository/idempotency-store';
import { KYSELY } from '../pkg/postgres/database';
import { createEvent, createSeatedEvent } from './support/fixtures';
import { BOTH_PATHS, startTestApp, type TestApp } from './support/test-app';
import { aUser, buySeat, purchase, seatStatus } from './support/tickets';

// Purchase, confirm and cancel are lean routes: the whole suite runs through both ways in.
describe.each(BOTH_PATHS)('%s', (_path, overrides) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(overrides);
  });
  afterAll(async () => {
    await t?.close();
  });

  const ticketsOf = async (user: { id: string; auth: string }) =>
    (await t.http.get(`/api/v1/tickets/user/${user.id}`).set('Authorization', user.auth).expect(200)).body.tickets;

  describe('Idempotency-Key on POST /tickets/purchase', () => {
    it('a retry with the same key and body replays the first response and buys nothing more', async () => {
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 100 });
      const buyer = await aUser(t);
      const key = randomUUID();
      const first = await purchase(t, buyer.auth, { event_id: event.id, quantity: 2 }, key).expect(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      for (let i = 0; i < 3; i++) {
        // Same fields in another order: still the same request.
        const again = await purchase(t, buyer.auth, { quantity: 2, event_id: event.id }, key).expect(201);
        expect(again.body).toEqual(first.body);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.headers['content-type']).toBe(first.headers['content-type']);
      }
      expect(await ticketsOf(buyer)).toHaveLength(2);
    });

    it('a one-call purchase run again under a key taken over returns what its first attempt bought', async () => {
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 100 });
      const buyer = await aUser(t);
      const key = randomUUID();
      const body = { event_id: event.id, quantity: 2 };
      const first = await purchase(t, buyer.auth, body, key).expect(201);
      // As when the first attempt's outcome stayed unknown (a statement past its deadline that committed
      // later): its response was never recorded, and a retry takes the key over once it is stale.
      await sql`DELETE FROM idempotency_keys WHERE user_id = ${buyer.id} AND key = ${key}`.execute(t.runtime.container.get<Kysely<unknown>>(KYSELY));
      const again = await purchase(t, buyer.auth, body, key).expect(201);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect(again.body.tickets.map((ticket: { id: string }) => ticket.id)).toEqual(first.body.tickets.map((ticket: { id: string }) => ticket.id));
      expect(await ticketsOf(buyer)).toHaveLength(2);
      // Under another key, a one-call purchase buys again as asked.
      await purchase(t, buyer.auth, body, randomUUID()).expect(201);
      expect(await ticketsOf(buyer)).toHaveLength(4);
    });

    it('the same key with another body is 422 idempotency-key-reused', async () => {
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 100 });
      const buyer = await aUser(t);
      const key = randomUUID();
      await purchase(t, buyer.auth, { event_id: event.id, quantity: 1 }, key).expect(201);
      const res = await purchase(t, buyer.auth, { event_id: event.id, quantity: 3 }, key).expect(422);
      expect(res.body.type).toBe('/problems/idempotency-key-reused');
      expect(await ticketsOf(buyer)).toHaveLength(1);
    });

    it('the same key while the first request is in flight is 409 idempotency-in-flight', async () => {
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 100 });
      const buyer = await aUser(t);
      const key = randomUUID();
      const body = { event_id: event.id, quantity: 1 };
      // Stand in for a request still running in another process: claim the key exactly as it would.
      const store = t.runtime.container.get<IdempotencyStore>(IdempotencyStore);
      const hash = requestHash({ method: 'POST', path: '/api/v1/tickets/purchase', body });
      await store.begin({ userId: buyer.id, key }, hash, new Date(), { ttlMs: 86_400_000, staleInFlightMs: 120_000 });
      const res = await purchase(t, buyer.auth, body, key).expect(409);
      expect(res.body.type).toBe('/problems/idempotency-in-flight');
      expect(res.headers['retry-after']).toBe('1');
      expect(await ticketsOf(buyer)).toHaveLength(0);
    });

    it('concurrent retries with one key buy once; every answer is the 201 or in-flight 409', async () => {
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 100 });
      const buyer = await aUser(t);
      const key = randomUUID();
      const results = await Promise.all(Array.from({ length: 8 }, () => purchase(t, buyer.auth, { event_id: event.id, quantity: 1 }, key)));
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect(results.every((r) => r.status === 201 || r.body.type === '/problems/idempotency-in-flight')).toBe(true);
      expect(await ticketsOf(buyer)).toHaveLength(1);
    });

    it('a 409 is not stored: once the seat is free, the same key buys it', async () => {
      const { event, seats } = await createSeatedEvent(t, 1);
      const first = await aUser(t);
      const ticket = await buySeat(t, first.auth, event.id, seats[0].id);
      const buyer = await aUser(t);
      const key = randomUUID();
      const body = { event_id: event.id, seat_id: seats[0].id };
      await purchase(t, buyer.auth, body, key).expect(409);
      await t.http.post(`/api/v1/tickets/${ticket.id}/cancel`).set('Authorization', first.auth).expect(200);
      await purchase(t, buyer.auth, body, key).expect(201);
      await purchase(t, buyer.auth, body, key).expect(201);
      expect(await ticketsOf(buyer)).toHaveLength(1);
    });

    it('a 400 is stored and replayed; keys are per user; a malformed key is 400', async () => {
      const buyer = await aUser(t);
      const key = randomUUID();
      const bad = await purchase(t, buyer.auth, { quantity: 1 }, key).expect(400);
      const replay = await purchase(t, buyer.auth, { quantity: 1 }, key).expect(400);
      expect(replay.body).toEqual(bad.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const event = await createEvent(t, { is_seated_event: false, total_tickets: 100 });
      await purchase(t, (await aUser(t)).auth, { event_id: event.id, quantity: 1 }, key).expect(201);
      const malformed = await purchase(t, buyer.auth, { event_id: event.id, quantity: 1 }, 'x'.repeat(256)).expect(400);
      expect(malformed.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    });
  });

  describe('Idempotency-Key on confirm and cancel', () => {
    it('a retried confirm replays 200 instead of failing the second transition', async () => {
      const { event, seats } = await createSeatedEvent(t, 1);
      const owner = await aUser(t);
      const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
      const key = randomUUID();
      const confirm = () => t.http.post(`/api/v1/tickets/${ticket.id}/confirm`).set('Authorization', owner.auth).set('Idempotency-Key', key);
      const first = await confirm().expect(200);
      const again = await confirm().expect(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      // The key belongs to that confirm: using it to cancel is another request.
      await t.http.post(`/api/v1/tickets/${ticket.id}/cancel`).set('Authorization', owner.auth).set('Idempotency-Key', key).expect(422);
      expect(await seatStatus(t, event.id, seats[0].id)).toBe('sold');
    });

    it('a retried cancel replays 200 and changes nothing further', async () => {
      const { event, seats } = await createSeatedEvent(t, 1);
      const owner = await aUser(t);
      const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
      const key = randomUUID();
      const cancel = () => t.http.post(`/api/v1/tickets/${ticket.id}/cancel`).set('Authorization', owner.auth).set('Idempotency-Key', key);
      await cancel().expect(200);
      await buySeat(t, (await aUser(t)).auth, event.id, seats[0].id);
      expect((await cancel().expect(200)).body.status).toBe('cancelled');
      expect(await seatStatus(t, event.id, seats[0].id)).toBe('reserved');
      const history = await t.http.get(`/api/v1/tickets/${ticket.id}/history`).set('Authorization', owner.auth).expect(200);
      expect(history.body.history).toHaveLength(2);
    });
  });
});
