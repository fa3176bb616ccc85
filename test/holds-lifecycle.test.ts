import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEvent, createSeatedEvent } from './support/fixtures';
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

const buyer = async () => {
  const id = `buyer-${randomUUID()}`;
  return { id, auth: await t.auth(id) };
};
const postHold = (auth: string, body: object) => t.http.post('/api/v1/holds').set('Authorization', auth).send(body);
const getHold = (auth: string, id: string) => t.http.get(`/api/v1/holds/${id}`).set('Authorization', auth);
const extend = (auth: string, id: string, body: object) => t.http.post(`/api/v1/holds/${id}/extend`).set('Authorization', auth).send(body);

describe('a hold after it is taken', () => {
  it('GET: the holder and admins see it; others 403; unknown or malformed ids 404', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const alice = await buyer();
    const hold = (await postHold(alice.auth, { event_id: event.id, seat_ids: [seats[0]!.id] }).expect(201)).body;
    expect((await getHold(alice.auth, hold.id).expect(200)).body).toEqual(hold);
    expect((await getHold(admin, hold.id).expect(200)).body).toEqual(hold);
    expect((await getHold((await buyer()).auth, hold.id).expect(403)).body.type).toBe('/problems/forbidden');
    await t.http.get(`/api/v1/holds/${hold.id}`).expect(401);
    await getHold(alice.auth, randomUUID()).expect(404);
    await getHold(alice.auth, 'not-an-id').expect(404);
  });

  it('expires by itself: 404, and the seat can be taken again with a higher fencing token', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const alice = await buyer();
    const first = (await postHold(alice.auth, { event_id: event.id, seat_ids: [seats[0]!.id], ttl_seconds: 1 }).expect(201)).body;
    await sleep(1_500);
    await getHold(alice.auth, first.id).expect(404);
    expect((await t.http.get(`/api/v1/events/${event.id}/seats/${seats[0]!.id}`)).body.status).toBe('available');
    const second = (await postHold((await buyer()).auth, { event_id: event.id, seat_ids: [seats[0]!.id] }).expect(201)).body;
    expect(second.fencing_token).toBeGreaterThan(first.fencing_token);
    await t.http.delete(`/api/v1/holds/${first.id}`).set('Authorization', alice.auth).expect(404);
  });

  it('DELETE: another user 403; the holder 204 and the seats are free; then 404', async () => {
    const { event, seats } = await createSeatedEvent(t, 2);
    const alice = await buyer();
    const seatIds = seats.map((seat) => seat.id);
    const hold = (await postHold(alice.auth, { event_id: event.id, seat_ids: seatIds }).expect(201)).body;
    await t.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', (await buyer()).auth).expect(403);
    await t.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', alice.auth).expect(204);
    await getHold(alice.auth, hold.id).expect(404);
    await t.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', alice.auth).expect(404);
    await postHold((await buyer()).auth, { event_id: event.id, seat_ids: seatIds }).expect(201);
  });

  it('DELETE by an admin frees a standing hold', async () => {
    const event = await createEvent(t, { is_seated_event: false, total_tickets: 2 });
    const hold = (await postHold((await buyer()).auth, { event_id: event.id, quantity: 2 }).expect(201)).body;
    await t.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', admin).expect(204);
    await postHold((await buyer()).auth, { event_id: event.id, quantity: 2 }).expect(201);
  });

  it('extend: the holder only; keeps the hold past its first TTL; never past 15 minutes', async () => {
    const { event, seats } = await createSeatedEvent(t, 2);
    const alice = await buyer();
    const short = (await postHold(alice.auth, { event_id: event.id, seat_ids: [seats[0]!.id], ttl_seconds: 2 }).expect(201)).body;
    await extend((await buyer()).auth, short.id, { ttl_seconds: 60 }).expect(403);
    await extend(admin, short.id, { ttl_seconds: 60 }).expect(403);
    const extended = (await extend(alice.auth, short.id, { ttl_seconds: 60 }).expect(200)).body;
    expect({ ...extended, expires_at: short.expires_at }).toEqual(short);
    expect(Date.parse(extended.expires_at)).toBeGreaterThan(Date.parse(short.expires_at));
    await sleep(2_500);
    expect((await getHold(alice.auth, short.id).expect(200)).body.expires_at).toBe(extended.expires_at);

    const long = (await postHold(alice.auth, { event_id: event.id, seat_ids: [seats[1]!.id], ttl_seconds: 900 }).expect(201)).body;
    const capped = (await extend(alice.auth, long.id, { ttl_seconds: 900 }).expect(200)).body;
    expect(Date.parse(capped.expires_at) - Date.parse(long.created_at)).toBe(900_000);

    for (const body of [{}, { ttl_seconds: 0 }, { ttl_seconds: 901 }, { ttl_seconds: '60' }]) {
      expect((await extend(alice.auth, long.id, body).expect(400)).body.errors[0].field).toBe('ttl_seconds');
    }
    await extend(alice.auth, randomUUID(), { ttl_seconds: 60 }).expect(404);
  });
});

describe('seats and counts while held', () => {
  it('a held seat reads as held; only the holder and admins see who holds it', async () => {
    const { event, seats } = await createSeatedEvent(t, 3);
    const alice = await buyer();
    const [held, free] = [seats[0]!.id, seats[2]!.id];
    const hold = (await postHold(alice.auth, { event_id: event.id, seat_ids: [held, seats[1]!.id], ttl_seconds: 120 }).expect(201)).body;
    const url = `/api/v1/events/${event.id}/seats/${held}`;

    const anonymous = (await t.http.get(url).expect(200)).body;
    expect(anonymous).toMatchObject({ id: held, status: 'held', held_until: hold.expires_at });
    expect(anonymous.retry_after_seconds).toBeGreaterThanOrEqual(110);
    expect(anonymous.retry_after_seconds).toBeLessThanOrEqual(120);
    expect(anonymous).not.toHaveProperty('held_by');
    expect((await t.http.get(url).set('Authorization', (await buyer()).auth).expect(200)).body).not.toHaveProperty('held_by');
    expect((await t.http.get(url).set('Authorization', alice.auth).expect(200)).body.held_by).toBe(alice.id);
    expect((await t.http.get(url).set('Authorization', admin).expect(200)).body.held_by).toBe(alice.id);
    expect((await t.http.get(`/api/v1/events/${event.id}/seats/${free}`).expect(200)).body).not.toHaveProperty('held_until');

    const list = (await t.http.get(`/api/v1/events/${event.id}/seats`).expect(200)).body.seats;
    expect(list.map((seat: { status: string }) => seat.status)).toEqual(['held', 'held', 'available']);
    const available = (await t.http.get(`/api/v1/events/${event.id}/seats/available`).expect(200)).body.seats;
    expect(available.map((seat: { id: string }) => seat.id)).toEqual([free]);
    expect((await t.http.get(`/api/v1/events/${event.id}`).expect(200)).body.counts).toEqual({ available: 1, held: 2, reserved: 0, sold: 0 });

    await t.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', alice.auth).expect(204);
    expect((await t.http.get(`/api/v1/events/${event.id}`).expect(200)).body.counts).toEqual({ available: 3, held: 0, reserved: 0, sold: 0 });
  });
});
