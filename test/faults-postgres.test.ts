import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import { signToken } from '../pkg/jwt/sign-token';
import { eventBody } from './support/fixtures';
import { startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from './support/own-services';
import { startServerProcess, type ServerProcess } from './support/server-process';

// Runs in every mode: the servers it breaks are its own.
describe('fault: Postgres stops and comes back', () => {
  let pg: OwnPostgres;
  let redis: OwnRedis;
  let api: ServerProcess;
  beforeAll(async () => {
    [pg, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    api = await startServerProcess({ DATABASE_URL: pg.url, REDIS_URL: redis.url });
  }, 60_000);
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await redis?.stop();
    await pg?.destroy();
  });

  it('answers writes 503 with Retry-After, reports it in /health, and recovers by itself', async () => {
    const headers = { Authorization: `Bearer ${await signToken(DEVELOPMENT_JWT_SECRET, { userId: 'ops', role: 'admin' })}`, 'Content-Type': 'application/json' };
    const create = () => fetch(`${api.url}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify(eventBody()) });
    expect((await create()).status).toBe(201);

    await pg.stop();
    const stoppedAt = Date.now();
    const down = await create();
    const timeTo503 = Date.now() - stoppedAt;
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(down.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await down.json()).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'database' });
    const health = await fetch(`${api.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', checks: { database: 'unavailable', cache: 'ok' } });

    await pg.start();
    const restartedAt = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - restartedAt < 20_000) {
      recovered = (await create()).status === 201;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const timeToRecover = Date.now() - restartedAt;
    expect(recovered).toBe(true);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    console.log(`postgres fault: first write answered 503 after ${timeTo503} ms; writes succeed again ${timeToRecover} ms after restart`);
    expect(api.output.join('\n')).not.toMatch(/"status":500/);
  }, 60_000);
});
