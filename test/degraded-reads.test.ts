import { createSeatedEvent } from './support/fixtures';
import { startOwnRedis, type OwnRedis } from './support/own-services';
import { startTestApp, type TestApp } from './support/test-app';

// Its own Redis, whatever the run's mode, so it can be stopped.
describe('reads while the hold store (Redis) is down', () => {
  let redis: OwnRedis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await startTestApp({ redisUrl: redis.url });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('answer from Postgres with held unknown, while holds answer 503 with Retry-After', async () => {
    const { event, seats } = await createSeatedEvent(t, 3);
    const buyer = await t.auth('degraded-buyer');
    await t.http.post('/api/v1/holds').set('Authorization', buyer).send({ event_id: event.id, seat_ids: [seats[0]!.id] }).expect(201);
    expect((await t.http.get(`/api/v1/events/${event.id}`).expect(200)).body.counts).toEqual({ available: 2, held: 1, reserved: 0, sold: 0 });

    await redis.stop('SIGKILL');
    const detail = await t.http.get(`/api/v1/events/${event.id}`).expect(200);
    expect(detail.body.counts).toEqual({ available: 3, held: null, reserved: 0, sold: 0 });
    const list = await t.http.get(`/api/v1/events/${event.id}/seats`).expect(200);
    expect(list.body.seats.map((s: { status: string }) => s.status)).toEqual(['available', 'available', 'available']);

    const started = Date.now();
    const refused = await t.http.post('/api/v1/holds').set('Authorization', buyer).send({ event_id: event.id, seat_ids: [seats[1]!.id] }).expect(503);
    console.log(`redis down: hold answered 503 in ${Date.now() - started} ms`);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'cache' });
    expect((await t.http.get('/health').expect(503)).body.checks).toEqual({ database: 'ok', cache: 'unavailable' });

    await redis.start();
    const restarted = Date.now();
    let status = 0;
    while (status !== 201 && Date.now() - restarted < 15_000) {
      status = (await t.http.post('/api/v1/holds').set('Authorization', buyer).send({ event_id: event.id, seat_ids: [seats[1]!.id] })).status;
      if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(`redis back: holds succeed again ${Date.now() - restarted} ms after restart`);
    expect(status).toBe(201);
    // A restart without persistence lost the earlier hold: Postgres still says the seat is free.
    expect((await t.http.get(`/api/v1/events/${event.id}`).expect(200)).body.counts).toEqual({ available: 2, held: 1, reserved: 0, sold: 0 });
  }, 60_000);
});
