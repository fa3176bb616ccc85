import { randomUUID } from 'node:crypto';
import { createEvent, eventBody, seatBodies } from './support/fixtures';
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

describe('POST /api/v1/events', () => {
  it('creates a seated event with every field echoed in snake_case', async () => {
    const body = eventBody({ description: 'Doors at 7', sale_starts_at: new Date(Date.now() - 3_600_000).toISOString() });
    const res = await t.http.post('/api/v1/events').set('Authorization', admin).send(body).expect(201);
    expect(res.body).toMatchObject({
      name: body.name,
      description: 'Doors at 7',
      venue: body.venue,
      start_time: body.start_time,
      end_time: body.end_time,
      is_seated_event: true,
      total_tickets: null,
      sale_starts_at: body.sale_starts_at,
      sale_ends_at: null,
      queue: null,
      status: 'on_sale',
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(res.headers.location).toBe(`/api/v1/events/${res.body.id}`);
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
  });

  it('creates a standing event with its capacity and stores queue settings with defaults', async () => {
    const res = await t.http
      .post('/api/v1/events')
      .set('Authorization', admin)
      .send(eventBody({ is_seated_event: false, total_tickets: 500, queue: { enabled: true, max_active_sessions: 20 } }))
      .expect(201);
    expect(res.body).toMatchObject({
      is_seated_event: false,
      total_tickets: 500,
      queue: { enabled: true, admit_per_minute: 60, max_active_sessions: 20, session_ttl_seconds: 900 },
    });
    const read = await t.http.get(`/api/v1/events/${res.body.id}`).expect(200);
    expect(read.body.queue).toEqual(res.body.queue);
    expect(read.body.counts).toEqual({ available: 500, held: 0, reserved: 0, sold: 0 });
  });

  it('requires total_tickets for a standing event', async () => {
    const res = await t.http.post('/api/v1/events').set('Authorization', admin).send(eventBody({ is_seated_event: false })).expect(400);
    expect(res.body.errors).toEqual([{ field: 'total_tickets', message: expect.stringContaining('standing') }]);
  });

  it('refuses a date that is not on the calendar instead of rolling it over', async () => {
    const res = await t.http.post('/api/v1/events').set('Authorization', admin).send(eventBody({ start_time: '2027-02-30T10:00:00Z', end_time: '2027-03-02T10:00:00Z' })).expect(400);
    expect(res.body.errors).toEqual([{ field: 'start_time', message: expect.stringContaining('ISO-8601') }]);
    await t.http.post('/api/v1/events').set('Authorization', admin).send(eventBody({ start_time: '2027-01-10T24:30:00Z', end_time: '2027-01-11T10:00:00Z' })).expect(400);
  });

  it('requires end_time after start_time', async () => {
    const start = new Date(Date.now() + 86_400_000).toISOString();
    const res = await t.http.post('/api/v1/events').set('Authorization', admin).send(eventBody({ start_time: start, end_time: start })).expect(400);
    expect(res.body.errors).toEqual([{ field: 'end_time', message: expect.any(String) }]);
  });

  it('names every bad field, rejects unknown fields, and creates nothing', async () => {
    // Other test files share the database in real mode: look for this request's own venue, not a count.
    const venue = `nowhere-${randomUUID()}`;
    const res = await t.http
      .post('/api/v1/events')
      .set('Authorization', admin)
      .send({ name: '', venue, start_time: 'tomorrow', end_time: '2026-12-01T10:00:00', is_seated_event: 'yes', id: randomUUID(), queue: { enabled: 'no' }, total_tickets: 'x' })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toBe('/problems/validation-error');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'total_tickets', 'start_time', 'end_time', 'is_seated_event', 'id', 'queue.enabled']));
    const active = (await t.http.get('/api/v1/events/active')).body.events as Array<{ venue: string }>;
    expect(active.filter((e) => e.venue === venue)).toEqual([]);
  });

  it('ignores any user id in the body: identity comes from the token only', async () => {
    const res = await t.http.post('/api/v1/events').set('Authorization', admin).send(eventBody({ user_id: 'mallory' })).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('user_id');
  });
});

describe('reading events', () => {
  it('GET /events/:id returns the event with counts', async () => {
    const event = await createEvent(t);
    await t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', admin).send({ seats: seatBodies(7) }).expect(201);
    const res = await t.http.get(`/api/v1/events/${event.id}`).expect(200);
    expect(res.body).toMatchObject({ id: event.id, name: event.name, counts: { available: 7, held: 0, reserved: 0, sold: 0 } });
  });

  it('404 for an unknown id and for a malformed id, never 500', async () => {
    const unknown = await t.http.get(`/api/v1/events/${randomUUID()}`).expect(404);
    expect(unknown.body.type).toBe('/problems/not-found');
    await t.http.get('/api/v1/events/not-a-uuid').expect(404);
    await t.http.get("/api/v1/events/1'%20OR%20'1'='1").expect(404);
  });

  it('GET /events/active lists events that have not ended, and not ended ones', async () => {
    const past = Date.now() - 10 * 86_400_000;
    const ended = await createEvent(t, { start_time: new Date(past).toISOString(), end_time: new Date(past + 3_600_000).toISOString() });
    const upcoming = await createEvent(t);
    const res = await t.http.get('/api/v1/events/active').expect(200);
    const ids = res.body.events.map((e: { id: string }) => e.id);
    expect(ids).toContain(upcoming.id);
    expect(ids).not.toContain(ended.id);
    const read = await t.http.get(`/api/v1/events/${ended.id}`).expect(200);
    expect(read.body.status).toBe('ended');
  });

  it('reports the sale phase from the sale window', async () => {
    const scheduled = await createEvent(t, { sale_starts_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(scheduled.status).toBe('scheduled');
  });
});

describe('PUT /api/v1/events/:id', () => {
  it('replaces the event', async () => {
    const event = await createEvent(t);
    const res = await t.http
      .put(`/api/v1/events/${event.id}`)
      .set('Authorization', admin)
      .send(eventBody({ name: 'Renamed', venue: 'Arena' }))
      .expect(200);
    expect(res.body).toMatchObject({ id: event.id, name: 'Renamed', venue: 'Arena', created_at: event.created_at });
    expect((await t.http.get(`/api/v1/events/${event.id}`)).body.name).toBe('Renamed');
  });

  it('validates like create and changes nothing on a bad body', async () => {
    const event = await createEvent(t);
    await t.http.put(`/api/v1/events/${event.id}`).set('Authorization', admin).send(eventBody({ name: '' })).expect(400);
    expect((await t.http.get(`/api/v1/events/${event.id}`)).body.name).toBe(event.name);
  });

  it('404 for an unknown event; 401/403 for non-admins', async () => {
    await t.http.put(`/api/v1/events/${randomUUID()}`).set('Authorization', admin).send(eventBody()).expect(404);
    const event = await createEvent(t);
    await t.http.put(`/api/v1/events/${event.id}`).send(eventBody()).expect(401);
    await t.http.put(`/api/v1/events/${event.id}`).set('Authorization', await t.auth('u1')).send(eventBody()).expect(403);
  });

  it('409 when turning a seated event with seats into a standing one', async () => {
    const event = await createEvent(t);
    await t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', admin).send({ seats: seatBodies(2) }).expect(201);
    const res = await t.http
      .put(`/api/v1/events/${event.id}`)
      .set('Authorization', admin)
      .send(eventBody({ is_seated_event: false, total_tickets: 10 }))
      .expect(409);
    expect(res.body.type).toBe('/problems/event-has-seats');
  });
});

describe('DELETE /api/v1/events/:id', () => {
  it('deletes the event and its seats; then 404', async () => {
    const event = await createEvent(t);
    await t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', admin).send({ seats: seatBodies(3) }).expect(201);
    await t.http.delete(`/api/v1/events/${event.id}`).set('Authorization', admin).expect(204);
    await t.http.get(`/api/v1/events/${event.id}`).expect(404);
    await t.http.get(`/api/v1/events/${event.id}/seats`).expect(404);
    await t.http.delete(`/api/v1/events/${event.id}`).set('Authorization', admin).expect(404);
  });

  it('needs the admin role', async () => {
    const event = await createEvent(t);
    await t.http.delete(`/api/v1/events/${event.id}`).expect(401);
    await t.http.delete(`/api/v1/events/${event.id}`).set('Authorization', await t.auth('u2')).expect(403);
    await t.http.get(`/api/v1/events/${event.id}`).expect(200);
  });
});
