// Admission by an admin, and what a buyer does with a session: refresh it, leave.
import { randomUUID } from 'node:crypto';
import { createEvent } from './support/fixtures';
import { queueHttp } from './support/queue-http';
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

const { queued, join, admit, length } = queueHttp(() => t, () => admin);

describe('POST /queue/process/:event_id', () => {
  it('admits the next N in order, never beyond max_active_sessions', async () => {
    const event = await queued({ max_active_sessions: 2 });
    for (const user of ['p1', 'p2', 'p3']) await join(event.id, user);
    expect((await admit(event.id, 5)).body).toEqual({ admitted: 2 });
    expect((await admit(event.id, 5)).body).toEqual({ admitted: 0 });
    const status = async (user: string) =>
      (await t.http.get(`/api/v1/queue/position/${event.id}/${user}`).set('Authorization', admin)).body;
    expect(await status('p1')).toEqual({ position: 0, status: 'active' });
    expect(await status('p2')).toEqual({ position: 0, status: 'active' });
    expect(await status('p3')).toEqual({ position: 1, status: 'waiting' });
  });

  it('is for admins only and validates count', async () => {
    const event = await queued();
    const url = `/api/v1/queue/process/${event.id}`;
    await t.http.post(url).send({ count: 1 }).expect(401);
    await t.http.post(url).set('Authorization', await t.auth('u1')).send({ count: 1 }).expect(403);
    for (const count of [0, -1, 1.5, '3', 10_001]) await t.http.post(url).set('Authorization', admin).send({ count }).expect(400);
    await t.http.post(`/api/v1/queue/process/${randomUUID()}`).set('Authorization', admin).send({ count: 1 }).expect(404);
    const plain = await createEvent(t);
    const res = await t.http.post(`/api/v1/queue/process/${plain.id}`).set('Authorization', admin).send({ count: 1 }).expect(409);
    expect(res.body.type).toBe('/problems/queue-not-enabled');
  });
});

describe('POST /queue/refresh', () => {
  it('extends its owner\'s active session; nobody else may, not even an admin', async () => {
    const event = await queued({ session_ttl_seconds: 600 });
    const user = `u-${randomUUID()}`;
    const owner = await t.auth(user);
    const { session_id } = (await join(event.id, user)).body;
    const waiting = await t.http.post('/api/v1/queue/refresh').set('Authorization', owner).send({ session_id }).expect(409);
    expect(waiting.body).toMatchObject({ type: '/problems/queue-session-not-active', status: 409, session_status: 'waiting' });
    await admit(event.id, 1);
    const before = (await t.http.get(`/api/v1/queue/status/${session_id}`).set('Authorization', owner)).body.expires_at;
    const res = await t.http.post('/api/v1/queue/refresh').set('Authorization', owner).send({ session_id }).expect(200);
    expect(res.body).toMatchObject({ session_id, status: 'active', expires_at: expect.any(String) });
    expect(Date.parse(res.body.expires_at)).toBeGreaterThanOrEqual(Date.parse(before));
    await t.http.post('/api/v1/queue/refresh').set('Authorization', await t.auth('someone-else')).send({ session_id }).expect(403);
    await t.http.post('/api/v1/queue/refresh').set('Authorization', admin).send({ session_id }).expect(403);
    await t.http.post('/api/v1/queue/refresh').send({ session_id }).expect(401);
  });

  it('404 for an unknown session, 400 for a malformed body', async () => {
    await t.http.post('/api/v1/queue/refresh').set('Authorization', admin).send({ session_id: randomUUID() }).expect(404);
    await t.http.post('/api/v1/queue/refresh').set('Authorization', admin).send({ session_id: 'nope' }).expect(400);
    await t.http.post('/api/v1/queue/refresh').set('Authorization', admin).send([]).expect(400);
  });
});

describe('DELETE /queue/:session_id', () => {
  it('leaves the line (everyone behind moves up) and frees an active slot', async () => {
    const event = await queued({ max_active_sessions: 1 });
    const a = (await join(event.id, 'la')).body.session_id;
    const b = (await join(event.id, 'lb')).body.session_id;
    await join(event.id, 'lc');
    await t.http.delete(`/api/v1/queue/${b}`).set('Authorization', await t.auth('lb')).expect(204);
    expect((await t.http.get(`/api/v1/queue/position/${event.id}/lc`).set('Authorization', admin)).body.position).toBe(2);
    await admit(event.id, 1);
    expect((await admit(event.id, 1)).body.admitted).toBe(0);
    await t.http.delete(`/api/v1/queue/${a}`).set('Authorization', await t.auth('la')).expect(204);
    expect(await length(event.id)).toEqual({ waiting: 1, active: 0 });
    expect((await admit(event.id, 1)).body.admitted).toBe(1);
    await t.http.delete(`/api/v1/queue/${a}`).set('Authorization', await t.auth('la')).expect(204);
  });

  it('is for the owner only', async () => {
    const event = await queued();
    const { session_id } = (await join(event.id, 'owner-d')).body;
    await t.http.delete(`/api/v1/queue/${session_id}`).expect(401);
    await t.http.delete(`/api/v1/queue/${session_id}`).set('Authorization', await t.auth('someone-else')).expect(403);
    await t.http.delete(`/api/v1/queue/${session_id}`).set('Authorization', admin).expect(403);
    await t.http.delete(`/api/v1/queue/${randomUUID()}`).set('Authorization', admin).expect(404);
    expect(await length(event.id)).toEqual({ waiting: 1, active: 0 });
  });
});
