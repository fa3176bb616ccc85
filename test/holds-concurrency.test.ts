import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import type { Role } from '../lib/domain/principal';
import { signToken } from '../pkg/jwt/sign-token';
import { deletePrefix } from '../pkg/redis/client';
import { eventBody, seatBodies } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { databaseUrl, redisUrl } from './support/services';
import { testRedisClient } from './support/redis';
import { startTestApp, type TestApp } from './support/test-app';

// Every test app and spawned server here uses the development secret, so one signer serves all of them.
const bearer = async (role: Role = 'user') => `Bearer ${await signToken(DEVELOPMENT_JWT_SECRET, { userId: `racer-${randomUUID()}`, role })}`;

async function call(url: string, method: string, auth: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { ...(auth && { authorization: auth }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

async function seatedEvent(base: string): Promise<{ eventId: string; seatId: string }> {
  const admin = await bearer('admin');
  const event = await call(`${base}/api/v1/events`, 'POST', admin, eventBody());
  await call(`${base}/api/v1/events/${event.body.id}/seats`, 'POST', admin, { seats: seatBodies(1) });
  const seats = await call(`${base}/api/v1/events/${event.body.id}/seats`, 'GET', null);
  return { eventId: event.body.id, seatId: seats.body.seats[0].id };
}

async function standingEvent(base: string, capacity: number): Promise<string> {
  const event = await call(`${base}/api/v1/events`, 'POST', await bearer('admin'), eventBody({ is_seated_event: false, total_tickets: capacity }));
  return event.body.id;
}

/** Sends one hold request per user, all at once, spread over `bases` in turn; returns the responses. */
async function race(bases: string[], users: number, body: object) {
  // Tokens are signed first so the requests themselves leave together.
  const tokens = await Promise.all(Array.from({ length: users }, () => bearer()));
  return Promise.all(tokens.map((token, i) => call(`${bases[i % bases.length]}/api/v1/holds`, 'POST', token, body)));
}

const statuses = (responses: Array<{ status: number }>) =>
  responses.reduce<Record<number, number>>((count, { status }) => ({ ...count, [status]: (count[status] ?? 0) + 1 }), {});

function concurrencySuite(servers: () => string[]): void {
  it('200 users for one seat at the same moment: exactly one 201, 199 409', async () => {
    const bases = servers();
    const { eventId, seatId } = await seatedEvent(bases[0]!);
    const responses = await race(bases, 200, { event_id: eventId, seat_ids: [seatId] });
    expect(statuses(responses)).toEqual({ 201: 1, 409: 199 });
    const winner = responses.find((res) => res.status === 201)!.body;
    const losers = responses.filter((res) => res.status === 409).map((res) => res.body);
    expect(losers.every((body) => body.type === '/problems/seats-unavailable' && body.conflicting_seat_ids[0] === seatId)).toBe(true);
    // Every process sees the one hold: the store is shared, not per process.
    for (const base of bases) {
      expect((await call(`${base}/api/v1/events/${eventId}`, 'GET', null)).body.counts).toMatchObject({ available: 0, held: 1 });
      expect((await call(`${base}/api/v1/holds/${winner.id}`, 'GET', await bearer('admin'))).status).toBe(200);
    }
  }, 60_000);

  it('80 single-place holds on a standing event of capacity 50 at once: exactly 50', async () => {
    const bases = servers();
    const eventId = await standingEvent(bases[0]!, 50);
    const responses = await race(bases, 80, { event_id: eventId, quantity: 1 });
    expect(statuses(responses)).toEqual({ 201: 50, 409: 30 });
    expect(responses.filter((res) => res.status === 409).every((res) => res.body.type === '/problems/capacity-exhausted')).toBe(true);
    const tokens = responses.filter((res) => res.status === 201).map((res) => res.body.fencing_token as number);
    expect(new Set(tokens).size).toBe(50);
    for (const base of bases) {
      expect((await call(`${base}/api/v1/events/${eventId}`, 'GET', null)).body.counts).toMatchObject({ available: 0, held: 50 });
    }
  }, 60_000);
}

describe('holds under contention, in process', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp();
    base = await t.listen();
  });
  afterAll(async () => {
    await t?.close();
  });

  concurrencySuite(() => [base]);
});

// Two API processes sharing one Redis and one Postgres, as in production; needs both servers.
if (!databaseUrl || !redisUrl) {
  it.todo('holds under contention across two API processes: set DATABASE_URL and REDIS_URL (and npm run build)');
} else {
  describe('holds under contention, two API processes sharing Redis and Postgres', () => {
    const processes: ServerProcess[] = [];
    const prefix = `onsale-test:${randomUUID()}:`;
    beforeAll(async () => {
      const env = { DATABASE_URL: databaseUrl!, REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix };
      processes.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
    }, 60_000);
    afterAll(async () => {
      await Promise.all(processes.map((process) => process.stop()));
      // The shared Redis is never flushed: only this run's keys go.
      const client = testRedisClient();
      await client.connect();
      await deletePrefix(client, prefix);
      await client.close();
    });

    concurrencySuite(() => processes.map((process) => process.url));
  });
}
