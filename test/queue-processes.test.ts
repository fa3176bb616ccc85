import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import { signToken } from '../pkg/jwt/sign-token';
import { eventBody } from './support/fixtures';
import { deletePrefix } from '../pkg/redis/client';
import { connectTestRedis } from './support/redis-queue';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { databaseUrl, redisUrl } from './support/services';

// Two API processes sharing one Postgres and one Redis, as in production. Needs `npm run build` and both
// DATABASE_URL and REDIS_URL; without them there is nothing shared to test.
const shared = databaseUrl !== null && redisUrl !== null;

(shared ? describe : describe.skip)('the waiting room across two API processes', () => {
  const prefix = `onsale-test:${randomUUID()}:`;
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    const env = { DATABASE_URL: databaseUrl!, REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix, JOB_INTERVAL_MS: '50' };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    const client = await connectTestRedis();
    await deletePrefix(client, prefix);
    await client.close();
  });

  const token = (userId: string, role: 'user' | 'admin' = 'user') => signToken(DEVELOPMENT_JWT_SECRET, { userId, role });
  async function call(server: ServerProcess, method: string, path: string, userId?: string, body?: unknown, role?: 'admin') {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (userId) headers.authorization = `Bearer ${await token(userId, role)}`;
    const res = await fetch(`${server.url}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
  }
  async function queuedEvent(queue: Record<string, unknown>): Promise<string> {
    const res = await call(servers[0]!, 'POST', '/events', 'admin', eventBody({ queue: { enabled: true, ...queue } }), 'admin');
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('gives 300 simultaneous joiners spread over both processes 300 distinct consecutive positions', async () => {
    const eventId = await queuedEvent({ admit_per_minute: 0 });
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => call(servers[i % 2]!, 'POST', '/queue/join', `two${i}-${randomUUID()}`, { event_id: eventId })),
    );
    expect(responses.map((res) => res.status)).toEqual(responses.map(() => 201));
    expect(responses.map((res) => res.body.position).sort((a, b) => a - b)).toEqual(responses.map((_, i) => i + 1));
    for (const server of servers) expect((await call(server, 'GET', `/queue/length/${eventId}`)).body).toEqual({ waiting: 300, active: 0 });
  }, 60_000);

  it('admits automatically with both processes running the job, never beyond max_active_sessions', async () => {
    const max = 10;
    const eventId = await queuedEvent({ admit_per_minute: 1_000_000, max_active_sessions: max });
    const joined: Array<{ user: string; session: string }> = [];
    for (let i = 0; i < 60; i++) {
      const user = `adm${i}-${randomUUID()}`;
      const res = await call(servers[i % 2]!, 'POST', '/queue/join', user, { event_id: eventId });
      expect(res.status).toBe(201);
      joined.push({ user, session: res.body.session_id });
    }
    let peak = 0;
    // Admins pile on too, through both processes, while the jobs admit: the maximum must still hold.
    const hammer = (count: number) =>
      Promise.all(servers.map((server) => call(server, 'POST', `/queue/process/${eventId}`, 'admin', { count }, 'admin')));
    async function watch(until: { waiting: number; active: number }): Promise<void> {
      for (let i = 0; i < 400; i++) {
        const [counts] = await Promise.all([call(servers[i % 2]!, 'GET', `/queue/length/${eventId}`).then((res) => res.body), i % 5 === 0 ? hammer(3) : null]);
        peak = Math.max(peak, counts.active);
        expect(counts.active).toBeLessThanOrEqual(max);
        if (counts.waiting === until.waiting && counts.active === until.active) return;
        await pause(10);
      }
      throw new Error(`the queue never reached ${JSON.stringify(until)}`);
    }
    await watch({ waiting: 50, active: max });

    const statuses = await Promise.all(joined.map(({ user, session }) => call(servers[0]!, 'GET', `/queue/status/${session}`, user)));
    const active = joined.filter((_, i) => statuses[i]!.body.status === 'active');
    expect(active).toHaveLength(max);
    for (const { user, session } of active.slice(0, 4)) expect((await call(servers[1]!, 'DELETE', `/queue/${session}`, user)).status).toBe(204);
    await watch({ waiting: 46, active: max });
    expect(peak).toBe(max);
  }, 60_000);
});
