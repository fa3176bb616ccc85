import { randomUUID } from 'node:crypto';
import { createEvent } from './support/fixtures';
import { queueHttp } from './support/queue-http';
import { BOTH_PATHS, startTestApp, type TestApp } from './support/test-app';

// GET /queue/position is a lean route: the whole suite runs through both ways in.
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

  const HOUR = 3_600_000;
  const { queued, join, admit, length } = queueHttp(() => t, () => admin);

  describe('POST /queue/join', () => {
    it('201 with the new entry; 200 with the same entry when joining again', async () => {
      const event = await queued({ admit_per_minute: 30 });
      const user = `u-${randomUUID()}`;
      const first = await join(event.id, user);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        event_id: event.id,
        user_id: user,
        status: 'waiting',
        position: 1,
        estimated_wait_seconds: 2,
        joined_at: expect.any(String),
        expires_at: null,
      });
      expect((await join(event.id, `u-${randomUUID()}`)).body).toMatchObject({ position: 2, estimated_wait_seconds: 4 });
      const again = await join(event.id, user);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await length(event.id)).toEqual({ waiting: 2, active: 0 });
    });

    it('reports an admitted buyer as active at position 0, and no estimate when only admins admit', async () => {
      const event = await queued();
      const user = `u-${randomUUID()}`;
      expect((await join(event.id, user)).body.estimated_wait_seconds).toBeNull();
      await admit(event.id, 1);
      const again = await join(event.id, user);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: 'active', position: 0, estimated_wait_seconds: 0, expires_at: expect.any(String) });
    });

    it('401 without a token; identity comes from the token, never the body', async () => {
      const event = await queued();
      await t.http.post('/api/v1/queue/join').send({ event_id: event.id }).expect(401);
      const res = await t.http.post('/api/v1/queue/join').set('Authorization', await t.auth('u1')).send({ event_id: event.id, user_id: 'mallory' }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['user_id']);
    });

    it('admins queue like any buyer', async () => {
      const event = await queued();
      expect((await t.http.post('/api/v1/queue/join').set('Authorization', admin).send({ event_id: event.id })).status).toBe(201);
    });

    it('409 queue-not-enabled for an event without an enabled queue', async () => {
      for (const overrides of [{}, { queue: { enabled: false } }]) {
        const event = await createEvent(t, overrides);
        const res = await join(event.id, 'u1');
        expect(res.status).toBe(409);
        expect(res.body.type).toBe('/problems/queue-not-enabled');
      }
    });

    it('409 queue-closed once the event has ended; 404 for an unknown event; 400 for a malformed id', async () => {
      const past = Date.now() - 10 * 24 * HOUR;
      const ended = await queued({}, { start_time: new Date(past).toISOString(), end_time: new Date(past + HOUR).toISOString() });
      const closed = await join(ended.id, 'u1');
      expect(closed.status).toBe(409);
      expect(closed.body.type).toBe('/problems/queue-closed');
      expect((await join(randomUUID(), 'u1')).status).toBe(404);
      expect((await join('nope', 'u1')).status).toBe(400);
    });
  });

  describe('GET /queue/position/:event_id/:user_id', () => {
    it('shows the user their place; an admin too; nobody else', async () => {
      const event = await queued();
      await join(event.id, 'first');
      const user = `u-${randomUUID()}`;
      await join(event.id, user);
      const url = `/api/v1/queue/position/${event.id}/${user}`;
      const own = await t.http.get(url).set('Authorization', await t.auth(user)).expect(200);
      expect(own.body).toEqual({ position: 2, status: 'waiting' });
      expect((await t.http.get(url).set('Authorization', admin).expect(200)).body).toEqual(own.body);
      const other = await t.http.get(url).set('Authorization', await t.auth('someone-else')).expect(403);
      expect(other.body.type).toBe('/problems/forbidden');
      await t.http.get(url).expect(401);
    });

    it('404 when the user is not in line, or the event is unknown or malformed', async () => {
      const event = await queued();
      await t.http.get(`/api/v1/queue/position/${event.id}/ghost`).set('Authorization', await t.auth('ghost')).expect(404);
      await t.http.get(`/api/v1/queue/position/${randomUUID()}/u1`).set('Authorization', await t.auth('u1')).expect(404);
      await t.http.get('/api/v1/queue/position/nope/u1').set('Authorization', await t.auth('u1')).expect(404);
    });
  });

  describe('GET /queue/status/:session_id', () => {
    it('follows a session from waiting to active to left, for its owner and admins only', async () => {
      const event = await queued({ session_ttl_seconds: 600 });
      const user = `u-${randomUUID()}`;
      const owner = await t.auth(user);
      const { session_id } = (await join(event.id, user)).body;
      const url = `/api/v1/queue/status/${session_id}`;
      expect((await t.http.get(url).set('Authorization', owner).expect(200)).body).toEqual({
        session_id, event_id: event.id, status: 'waiting', position: 1, expires_at: null,
      });
      await admit(event.id, 1);
      const active = await t.http.get(url).set('Authorization', admin).expect(200);
      expect(active.body).toMatchObject({ status: 'active', position: 0 });
      const ttl = Date.parse(active.body.expires_at) - Date.now();
      expect(ttl).toBeGreaterThan(500_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
      await t.http.get(url).set('Authorization', await t.auth('someone-else')).expect(403);
      await t.http.get(url).expect(401);
      await t.http.delete(`/api/v1/queue/${session_id}`).set('Authorization', owner).expect(204);
      expect((await t.http.get(url).set('Authorization', owner).expect(200)).body).toMatchObject({ status: 'left', expires_at: null });
    });

    it('404 for an unknown or malformed session id', async () => {
      await t.http.get(`/api/v1/queue/status/${randomUUID()}`).set('Authorization', admin).expect(404);
      await t.http.get('/api/v1/queue/status/nope').set('Authorization', admin).expect(404);
    });
  });

  describe('GET /queue/length/:event_id', () => {
    it('is public', async () => {
      const event = await queued();
      await join(event.id, 'a');
      await join(event.id, 'b');
      await join(event.id, 'c');
      await admit(event.id, 1);
      expect(await length(event.id)).toEqual({ waiting: 2, active: 1 });
      await t.http.get(`/api/v1/queue/length/${randomUUID()}`).expect(404);
    });
  });
});
