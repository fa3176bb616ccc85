import { randomUUID } from 'node:crypto';
import { createEvent, seatBodies } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t?.close();
});

const addSeats = (eventId: string, seats: unknown, auth = admin) =>
  t.http.post(`/api/v1/events/${eventId}/seats`).set('Authorization', auth).send({ seats });

describe('POST /api/v1/events/:id/seats', () => {
  it('creates seats and lists them in the order given', async () => {
    const event = await createEvent(t);
    const res = await addSeats(event.id, [
      { section: 'B', row: 'C', number: 12, price_cents: 2500, category: 'vip' },
      { section: 'A', row: '1', number: '1' },
    ]).expect(201);
    expect(res.body).toEqual({ created: 2 });
    const list = await t.http.get(`/api/v1/events/${event.id}/seats`).expect(200);
    expect(list.body.next_cursor).toBeNull();
    expect(list.body.seats).toEqual([
      { id: expect.any(String), event_id: event.id, section: 'B', row: 'C', number: '12', price_cents: 2500, category: 'vip', status: 'available' },
      { id: expect.any(String), event_id: event.id, section: 'A', row: '1', number: '1', price_cents: 0, category: null, status: 'available' },
    ]);
  });

  it('409 for a seat repeated within the batch, and nothing is created', async () => {
    const event = await createEvent(t);
    const res = await addSeats(event.id, [...seatBodies(3), { section: 'A', row: '1', number: 2 }]).expect(409);
    expect(res.body).toMatchObject({ type: '/problems/duplicate-seat', duplicate_seats: ['A/1/2'] });
    expect((await t.http.get(`/api/v1/events/${event.id}/seats`)).body.seats).toHaveLength(0);
  });

  it('409 for a seat that already exists, and none of the batch is created', async () => {
    const event = await createEvent(t);
    await addSeats(event.id, seatBodies(2)).expect(201);
    const res = await addSeats(event.id, [{ section: 'Z', row: '9', number: 9 }, ...seatBodies(1)]).expect(409);
    expect(res.body.type).toBe('/problems/duplicate-seat');
    const list = await t.http.get(`/api/v1/events/${event.id}/seats`).expect(200);
    expect(list.body.seats.map((s: { section: string }) => s.section)).toEqual(['A', 'A']);
  });

  it('409 on a standing event; 404 on an unknown event', async () => {
    const standing = await createEvent(t, { is_seated_event: false, total_tickets: 10 });
    expect((await addSeats(standing.id, seatBodies(1)).expect(409)).body.type).toBe('/problems/not-a-seated-event');
    await addSeats(randomUUID(), seatBodies(1)).expect(404);
  });

  it('400 naming the bad seat fields; empty list rejected', async () => {
    const event = await createEvent(t);
    const res = await addSeats(event.id, [{ section: 'A', row: '', number: -1, price_cents: 1.5, extra: true }]).expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['seats[0].row', 'seats[0].number', 'seats[0].price_cents', 'seats[0].extra']));
    await addSeats(event.id, []).expect(400);
    await t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', admin).send({}).expect(400);
  });

  it('needs the admin role', async () => {
    const event = await createEvent(t);
    await t.http.post(`/api/v1/events/${event.id}/seats`).send({ seats: seatBodies(1) }).expect(401);
    await addSeats(event.id, seatBodies(1), await t.auth('buyer')).expect(403);
  });

  it('takes 50,000 seats in one call', async () => {
    const event = await createEvent(t);
    const seats = seatBodies(50_000, 'S', 100);
    const res = await addSeats(event.id, seats).expect(201);
    expect(res.body).toEqual({ created: 50_000 });
    const detail = await t.http.get(`/api/v1/events/${event.id}`).expect(200);
    expect(detail.body.counts.available).toBe(50_000);
  }, 120_000);
});

describe('GET seats', () => {
  it('pages with a stable cursor through every seat exactly once', async () => {
    const event = await createEvent(t);
    await addSeats(event.id, seatBodies(25)).expect(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { seats: Array<{ id: string }>; next_cursor: string | null } } = await t.http
        .get(`/api/v1/events/${event.id}/seats`)
        .query({ limit: 10, ...(cursor && { cursor }) })
        .expect(200);
      seen.push(...res.body.seats.map((s) => s.id));
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
    const all = await t.http.get(`/api/v1/events/${event.id}/seats`).expect(200);
    expect(all.body.seats.map((s: { id: string }) => s.id)).toEqual(seen);
  });

  it('lists available seats', async () => {
    const event = await createEvent(t);
    await addSeats(event.id, seatBodies(4)).expect(201);
    const res = await t.http.get(`/api/v1/events/${event.id}/seats/available`).query({ limit: 3 }).expect(200);
    expect(res.body.seats).toHaveLength(3);
    expect(res.body.seats.every((s: { status: string }) => s.status === 'available')).toBe(true);
    expect(res.body.next_cursor).toBe(res.body.seats[2].id);
  });

  it('400 for a bad limit or cursor', async () => {
    const event = await createEvent(t);
    for (const limit of ['0', '10001', 'abc', '1.5']) {
      const res = await t.http.get(`/api/v1/events/${event.id}/seats`).query({ limit }).expect(400);
      expect(res.body.errors[0].field).toBe('limit');
    }
    await t.http.get(`/api/v1/events/${event.id}/seats?limit=1&limit=2`).expect(400);
    await t.http.get(`/api/v1/events/${event.id}/seats`).query({ cursor: 'garbage' }).expect(400);
  });

  it('GET one seat; 404 for another event\'s seat or an unknown one', async () => {
    const event = await createEvent(t);
    const other = await createEvent(t);
    await addSeats(event.id, seatBodies(1)).expect(201);
    const seat = (await t.http.get(`/api/v1/events/${event.id}/seats`)).body.seats[0];
    const res = await t.http.get(`/api/v1/events/${event.id}/seats/${seat.id}`).expect(200);
    expect(res.body).toMatchObject({ id: seat.id, status: 'available', section: 'A' });
    await t.http.get(`/api/v1/events/${other.id}/seats/${seat.id}`).expect(404);
    await t.http.get(`/api/v1/events/${event.id}/seats/${randomUUID()}`).expect(404);
    await t.http.get(`/api/v1/events/${event.id}/seats/x`).expect(404);
    await t.http.get(`/api/v1/events/${randomUUID()}/seats`).expect(404);
  });
});
