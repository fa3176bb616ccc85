import { sql } from 'kysely';
import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import { signToken } from '../pkg/jwt/sign-token';
import { DependencyUnavailableError } from '../lib/domain/errors';
import { openPostgres } from '../pkg/postgres/database';
import { guarded } from '../pkg/postgres/errors';
import { call } from './support/faults';
import { eventBody, seatBodies } from './support/fixtures';
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

  it('answers 503 within its statement deadline when Postgres freezes (connected but silent), and recovers on thaw', async () => {
    const create = () => call(api.url, 'admin-ops', 'POST', '/api/v1/events', eventBody(), 20_000);
    // Every pooled connection has served a statement, so the frozen server holds open, answered-before connections.
    expect((await Promise.all(Array.from({ length: 5 }, create))).map((reply) => reply.status)).toEqual([201, 201, 201, 201, 201]);

    await pg.freeze();
    const [writes, health] = await Promise.all([Promise.all(Array.from({ length: 5 }, create)), call(api.url, 'admin-ops', 'GET', '/health', undefined, 20_000)]);
    await pg.thaw();
    const thawedAt = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - thawedAt < 20_000) recovered = (await create()).status === 201;
    const timeToRecover = Date.now() - thawedAt;
    console.log(
      `postgres freeze: writes answered ${writes.map((reply) => `${reply.status || 'nothing'} in ${reply.ms} ms`).join(', ')}; ` +
        `/health ${health.status} in ${health.ms} ms; writes succeed again ${timeToRecover} ms after thaw`,
    );

    expect(writes.map((reply) => reply.status)).toEqual([503, 503, 503, 503, 503]);
    for (const reply of writes) {
      expect(reply.body).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'database' });
      expect(Number(reply.retryAfter)).toBeGreaterThan(0);
    }
    // A silent Postgres must not hold requests open until a client gives up: the statement deadline
    // (QUERY_TIMEOUT_MS, 5 s) bounds them. This bound only proves "no hang"; the times are printed.
    expect(Math.max(...writes.map((reply) => reply.ms))).toBeLessThan(10_000);
    expect(health.status).toBe(503);
    expect(recovered).toBe(true);
    expect(api.output.join('\n')).not.toMatch(/"status":500/);
  }, 90_000);

  it('rolls back a transaction its statement deadline cut off: the connection is discarded, never reused mid-transaction', async () => {
    // One connection, so a reused connection would be this one; a short deadline keeps the test quick.
    const handle = openPostgres(pg.url, { poolSize: 1, queryTimeoutMs: 500 });
    try {
      await sql`CREATE TABLE deadline_probe (label text)`.execute(handle.db);
      const cutOff = handle.db.transaction().execute(async (tx) => {
        await sql`INSERT INTO deadline_probe VALUES ('before the freeze')`.execute(tx);
        await pg.freeze();
        await sql`INSERT INTO deadline_probe VALUES ('during the freeze')`.execute(tx);
      });
      await expect(cutOff).rejects.toThrow();
      await pg.thaw();
      // pg would otherwise hand the connection back still inside the transaction (its ROLLBACK never sent),
      // and this COMMIT would commit the abandoned rows with its own.
      await handle.db.transaction().execute((tx) => sql`INSERT INTO deadline_probe VALUES ('after the thaw')`.execute(tx));
      const { rows } = await sql<{ label: string }>`SELECT label FROM deadline_probe ORDER BY label`.execute(handle.db);
      expect(rows.map((row) => row.label)).toEqual(['after the thaw']);
    } finally {
      await pg.thaw();
      await handle.close();
    }
  }, 60_000);

  it('closes a connection whose BEGIN outlived the deadline, so no later statement runs in that transaction', async () => {
    const handle = openPostgres(pg.url, { poolSize: 1, queryTimeoutMs: 500 });
    const other = openPostgres(pg.url, { poolSize: 1 });
    try {
      await sql`CREATE TABLE begin_probe (label text)`.execute(handle.db);
      await pg.freeze();
      await expect(handle.db.transaction().execute((tx) => sql`INSERT INTO begin_probe VALUES ('never')`.execute(tx))).rejects.toThrow();
      await pg.thaw();
      // The BEGIN runs when the server wakes; on a pooled connection this autocommit insert would run inside
      // it, invisible to everyone else and rolled back when the connection is closed.
      await sql`INSERT INTO begin_probe VALUES ('after the thaw')`.execute(handle.db);
      const { rows } = await sql<{ label: string }>`SELECT label FROM begin_probe`.execute(other.db);
      expect(rows.map((row) => row.label)).toEqual(['after the thaw']);
    } finally {
      await pg.thaw();
      await Promise.all([handle.close(), other.close()]);
    }
  }, 60_000);

  it('tells a statement the server cancelled (changed nothing) from one that outlived its deadline (may still apply)', async () => {
    const handle = openPostgres(pg.url, { poolSize: 2, queryTimeoutMs: 1_000 });
    try {
      const slow = await guarded(() => sql`SELECT pg_sleep(3)`.execute(handle.db)).catch((error: unknown) => error);
      expect(slow).toBeInstanceOf(DependencyUnavailableError);
      expect(slow).toMatchObject({ outcomeUnknown: false, cause: { code: '57014' } });
      await pg.freeze();
      const silent = await guarded(() => sql`SELECT 1`.execute(handle.db)).catch((error: unknown) => error);
      await pg.thaw();
      expect(silent).toBeInstanceOf(DependencyUnavailableError);
      expect(silent).toMatchObject({ outcomeUnknown: true });
    } finally {
      await pg.thaw();
      await handle.close();
    }
  }, 60_000);

  it('answers a purchase stuck behind a lock 503 once the server cancels it, and lets its Idempotency-Key run again', async () => {
    const send = (user: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => call(api.url, user, method, `/api/v1${path}`, body, 20_000, headers);
    const event = (await send('admin-slow', 'POST', '/events', eventBody({ is_seated_event: true }))).body.id as string;
    expect((await send('admin-slow', 'POST', `/events/${event}/seats`, { seats: seatBodies(1) })).status).toBe(201);
    const seat = (await send('admin-slow', 'GET', `/events/${event}/seats`)).body.seats[0].id as string;
    const hold = await send('buyer-slow', 'POST', '/holds', { event_id: event, seat_ids: [seat], ttl_seconds: 120 });
    expect(hold.status).toBe(201);
    const purchase = () => send('buyer-slow', 'POST', '/tickets/purchase', { hold_id: hold.body.id }, { 'Idempotency-Key': 'slow-purchase' });

    // A transaction of the test's own keeps the seat's row locked: the purchase waits on it, as behind a
    // long-running transaction, while the server itself answers everything else.
    const locker = openPostgres(pg.url, { poolSize: 1, queryTimeoutMs: 0 });
    try {
      const stuck = await locker.db.connection().execute(async (conn) => {
        await sql`BEGIN`.execute(conn);
        await sql`SELECT id FROM seats WHERE id = ${seat} FOR UPDATE`.execute(conn);
        const reply = await purchase();
        await sql`ROLLBACK`.execute(conn);
        return reply;
      });
      const retried = await purchase();
      console.log(`slow postgres: purchase stuck behind a lock answered ${stuck.status} in ${stuck.ms} ms; the retry with its key ${retried.status}`);
      expect(stuck.status).toBe(503);
      expect(stuck.body).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'database' });
      expect(stuck.ms).toBeLessThan(10_000);
      // The server cancelled the statement (nothing applied), so the key was freed rather than kept in flight.
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ tickets: [{ seat_id: seat, status: 'reserved', user_id: 'buyer-slow' }] });
    } finally {
      await locker.close();
    }
  }, 60_000);

  it('survives a connection lost while a request has it: the request answers 503, the process goes on', async () => {
    const handle = openPostgres(pg.url, { poolSize: 1 });
    const killer = openPostgres(pg.url, { poolSize: 1 });
    try {
      // As a restart or a failover does to every connection in use; unheard, pg's 'error' event ends the process.
      const lost = await guarded(() =>
        handle.db.transaction().execute(async (tx) => {
          const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
          await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(killer.db);
          await sql`SELECT 1`.execute(tx);
        }),
      ).catch((error: unknown) => error);
      expect(lost).toBeInstanceOf(DependencyUnavailableError);
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(handle.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await Promise.all([handle.close(), killer.close()]);
    }
  }, 60_000);
});
