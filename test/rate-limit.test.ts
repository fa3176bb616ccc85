import { randomUUID } from 'node:crypto';
import { eventBody } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

describe('rate limits on write routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rateLimit: { windowSeconds: 60, perUser: 3, perIp: 8 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('limits each user, answering 429 with Retry-After, and lets other users through', async () => {
    const alice = await t.auth('rl-alice', 'admin');
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await t.http.post('/api/v1/events').set('Authorization', alice).send(eventBody())).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await t.http.post('/api/v1/events').set('Authorization', alice).send(eventBody()).expect(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.body).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.retry_after_seconds).toBe(Number(limited.headers['retry-after']));
    await t.http.post('/api/v1/events').set('Authorization', await t.auth('rl-bob', 'admin')).send(eventBody()).expect(201);
  });

  it('does not meter reads, whichever way in serves them', async () => {
    for (let i = 0; i < 15; i += 1) await t.http.get('/api/v1/events/active').expect(200);
    // A queue position is a lean-lane read: an unknown event's answers 404, never 429.
    const reader = await t.auth('rl-reader');
    for (let i = 0; i < 15; i += 1) await t.http.get(`/api/v1/queue/position/${randomUUID()}/rl-reader`).set('Authorization', reader).expect(404);
  });

  it('limits each address, before authentication', async () => {
    // This address has spent 6 of its 8 writes above; anonymous writes count too.
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await t.http.post('/api/v1/events').send(eventBody())).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
