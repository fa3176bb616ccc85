import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import { signToken } from '../pkg/jwt/sign-token';
import { openPostgres } from '../pkg/postgres/database';
import { deletePrefix } from '../pkg/redis/client';
import { eventBody, seatBodies } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { databaseUrl, redisUrl } from './support/services';
import { testRedisClient } from './support/redis';

// Needs what production has: one Postgres and one Redis shared by several API processes.
const withRealServices = databaseUrl && redisUrl ? describe : describe.skip;

const SEATS = 20;
const STANDING_CAPACITY = 30;
const WORKERS = 60;
const OPS_PER_WORKER = 6;

withRealServices('two API processes, Redis emptied in the middle of a storm of holds and purchases', () => {
  const prefix = `onsale-test:${randomUUID()}:`;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    const env = {
      DATABASE_URL: databaseUrl!,
      REDIS_URL: redisUrl!,
      REDIS_KEY_PREFIX: prefix,
      JOB_INTERVAL_MS: '200',
      // Short, so reservations lapse and seats are sold again during the storm.
      PAYMENT_WINDOW_SECONDS: '2',
      RATE_LIMIT_PER_USER: '0',
      RATE_LIMIT_PER_IP: '0',
    };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 60_000);

  afterAll(async () => {
    const codes = await Promise.all(servers.map((server) => server.stop()));
    expect(codes).toEqual(servers.map(() => 0));
  }, 30_000);

  async function call(server: ServerProcess, user: string, method: string, path: string, body?: unknown) {
    const role = user.startsWith('admin') ? 'admin' : 'user';
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${await signToken(DEVELOPMENT_JWT_SECRET, { userId: user, role })}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  }

  async function emptyRedis(): Promise<number> {
    const client = testRedisClient();
    await client.connect();
    try {
      return await deletePrefix(client, prefix);
    } finally {
      await client.close();
    }
  }

  it('leaves no seat with two live tickets and no standing event over capacity', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const seated = (await call(a, 'admin-storm', 'POST', '/events', eventBody())).body;
    expect((await call(a, 'admin-storm', 'POST', `/events/${seated.id}/seats`, { seats: seatBodies(SEATS) })).status).toBe(201);
    const seatIds: string[] = (await call(b, 'admin-storm', 'GET', `/events/${seated.id}/seats?limit=100`)).body.seats.map((s: { id: string }) => s.id);
    const standing = (await call(b, 'admin-storm', 'POST', '/events', eventBody({ is_seated_event: false, total_tickets: STANDING_CAPACITY }))).body;

    const statuses: Record<string, number> = {};
    const count = (label: string, status: number) => (statuses[`${label} ${status}`] = (statuses[`${label} ${status}`] ?? 0) + 1);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

    async function buyer(worker: number): Promise<void> {
      for (let op = 0; op < OPS_PER_WORKER; op++) {
        const user = `storm-${worker}-${op % 2}`;
        const server = (worker + op) % 2 ? a : b;
        const other = server === a ? b : a;
        let bought: { status: number; body: any };
        switch (op % 4) {
          case 0: {
            const hold = await call(server, user, 'POST', '/holds', { event_id: seated.id, seat_ids: [pick(seatIds)] });
            count('hold-seat', hold.status);
            if (hold.status !== 201) continue;
            bought = await call(other, user, 'POST', '/tickets/purchase', { hold_id: hold.body.id, fencing_token: hold.body.fencing_token });
            break;
          }
          case 1:
            bought = await call(server, user, 'POST', '/tickets/purchase', { event_id: seated.id, seat_id: pick(seatIds) });
            break;
          case 2: {
            const hold = await call(server, user, 'POST', '/holds', { event_id: standing.id, quantity: 1 + (worker % 3) });
            count('hold-standing', hold.status);
            if (hold.status !== 201) continue;
            bought = await call(other, user, 'POST', '/tickets/purchase', { hold_id: hold.body.id });
            break;
          }
          default:
            bought = await call(server, user, 'POST', '/tickets/purchase', { event_id: standing.id, quantity: 1 });
        }
        count(bought.status === 409 ? `purchase(${String(bought.body?.type).replace('/problems/', '')})` : 'purchase', bought.status);
        if (bought.status === 201 && worker % 3 !== 0) {
          // Some pay, some cancel, the rest let the payment window lapse.
          const ticket = bought.body.tickets[0];
          const action = worker % 3 === 1 ? 'confirm' : 'cancel';
          const moved = await call(pick([a, b]), user, 'POST', `/tickets/${ticket.id}/${action}`);
          count(moved.status === 409 ? `${action}(${String(moved.body?.type).replace('/problems/', '')})` : action, moved.status);
        }
      }
    }

    const storm = Promise.all(Array.from({ length: WORKERS }, (_, worker) => buyer(worker)));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const firstFlush = await emptyRedis();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const secondFlush = await emptyRedis();
    await storm;
    console.log(`storm outcomes: ${JSON.stringify(statuses)}; redis keys deleted mid-storm: ${firstFlush} + ${secondFlush}`);

    expect(firstFlush + secondFlush).toBeGreaterThan(0);
    expect(statuses['purchase 201']).toBeGreaterThan(0);
    expect(Object.keys(statuses).filter((key) => key.includes('undefined'))).toEqual([]);
    expect(Object.keys(statuses).filter((key) => Number(key.split(' ')[1]) >= 500)).toEqual([]);

    const database = openPostgres(databaseUrl!);
    try {
      const doubled = await sql<{ seatId: string }>`
        SELECT seat_id FROM tickets WHERE event_id = ${seated.id} AND status IN ('reserved', 'sold')
        GROUP BY seat_id HAVING count(*) > 1`.execute(database.db);
      expect(doubled.rows).toEqual([]);
      const live = await sql<{ live: number }>`
        SELECT count(*) AS live FROM tickets WHERE event_id = ${standing.id} AND status IN ('reserved', 'sold')`.execute(database.db);
      expect(Number(live.rows[0]!.live)).toBeLessThanOrEqual(STANDING_CAPACITY);
      // Every seat's stored status agrees with its one live ticket (or its lack of one).
      const disagreeing = await sql<{ id: string }>`
        SELECT s.id FROM seats s LEFT JOIN tickets t ON t.seat_id = s.id AND t.status IN ('reserved', 'sold')
        WHERE s.event_id = ${seated.id} AND s.status <> coalesce(t.status, 'available')`.execute(database.db);
      expect(disagreeing.rows).toEqual([]);
    } finally {
      await database.close();
    }
  }, 120_000);
});
