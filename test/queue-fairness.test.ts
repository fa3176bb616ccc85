import { randomUUID } from 'node:crypto';
import { createEvent, eventBody } from './support/fixtures';
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

const QUEUE = { enabled: true, admit_per_minute: 0, max_active_sessions: 7 };
const join = async (eventId: string, user: string) =>
  t.http.post('/api/v1/queue/join').set('Authorization', await t.auth(user)).send({ event_id: eventId });
const position = async (eventId: string, user: string) =>
  (await t.http.get(`/api/v1/queue/position/${eventId}/${user}`).set('Authorization', admin).expect(200)).body.position as number;

it('gives 300 simultaneous joiners 300 distinct consecutive positions', async () => {
  const event = await createEvent(t, { queue: QUEUE });
  const users = Array.from({ length: 300 }, (_, i) => `c${i}-${randomUUID()}`);
  const tokens = await Promise.all(users.map((user) => t.auth(user)));
  const responses = await Promise.all(
    tokens.map((token) => t.http.post('/api/v1/queue/join').set('Authorization', token).send({ event_id: event.id })),
  );
  expect(responses.map((res) => res.status)).toEqual(users.map(() => 201));
  expect(responses.map((res) => res.body.position).sort((a, b) => a - b)).toEqual(users.map((_, i) => i + 1));
  expect(new Set(responses.map((res) => res.body.session_id)).size).toBe(300);
  expect((await t.http.get(`/api/v1/queue/length/${event.id}`)).body).toEqual({ waiting: 300, active: 0 });
});

it('places buyers who join before sale start by lottery, all ahead of those who join after', async () => {
  const body = eventBody({ queue: QUEUE, sale_starts_at: new Date(Date.now() + 3_600_000).toISOString() });
  const created = await t.http.post('/api/v1/events').set('Authorization', admin).send(body).expect(201);
  const eventId = created.body.id;
  const early = Array.from({ length: 30 }, (_, i) => `early${i}-${randomUUID()}`);
  for (const user of early) expect((await join(eventId, user)).status).toBe(201);

  // Reloading before the sale changes nothing: the same entry, the same place.
  const placeOf7 = await position(eventId, early[7]!);
  expect((await join(eventId, early[7]!)).body.position).toBe(placeOf7);

  await t.http
    .put(`/api/v1/events/${eventId}`)
    .set('Authorization', admin)
    .send({ ...body, sale_starts_at: new Date(Date.now() - 60_000).toISOString() })
    .expect(200);
  const late = Array.from({ length: 5 }, (_, i) => `late${i}-${randomUUID()}`);
  for (const user of late) await join(eventId, user);

  const earlyPlaces = await Promise.all(early.map((user) => position(eventId, user)));
  expect(earlyPlaces).not.toEqual(early.map((_, i) => i + 1));
  expect([...earlyPlaces].sort((a, b) => a - b)).toEqual(early.map((_, i) => i + 1));
  expect(await Promise.all(late.map((user) => position(eventId, user)))).toEqual([31, 32, 33, 34, 35]);
});

it('never admits beyond max_active_sessions however many admins admit at once', async () => {
  const event = await createEvent(t, { queue: QUEUE });
  for (let i = 0; i < 30; i++) await join(event.id, `m${i}`);
  const results = await Promise.all(
    Array.from({ length: 10 }, () => t.http.post(`/api/v1/queue/process/${event.id}`).set('Authorization', admin).send({ count: 5 })),
  );
  expect(results.reduce((sum, res) => sum + res.body.admitted, 0)).toBe(7);
  expect((await t.http.get(`/api/v1/queue/length/${event.id}`)).body).toEqual({ waiting: 23, active: 7 });
});
