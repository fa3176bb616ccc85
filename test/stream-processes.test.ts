import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import { signToken } from '../pkg/jwt/sign-token';
import { eventBody } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { databaseUrl, redisUrl } from './support/services';
import { openStream, type SseEvent } from './support/sse';

const shared = databaseUrl && redisUrl;
if (!shared) console.warn('two-process stream test skipped: set DATABASE_URL and REDIS_URL');

(shared ? describe : describe.skip)('live stream across two API processes sharing Redis', () => {
  let watcher: ServerProcess;
  let actor: ServerProcess;
  beforeAll(async () => {
    const env = { DATABASE_URL: databaseUrl!, REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `onsale-test:${randomUUID()}:`, JOB_INTERVAL_MS: '200' };
    [watcher, actor] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([watcher?.stop(), actor?.stop()]);
  });

  it('shows a client of one process every change made through the other', async () => {
    const call = async (method: string, path: string, userId: string, body?: unknown, role: 'user' | 'admin' = 'user') => {
      const res = await fetch(`${actor.url}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${await signToken(DEVELOPMENT_JWT_SECRET, { userId, role })}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any) };
    };
    const event = (await call('POST', '/events', 'ops', eventBody(), 'admin')).body;
    await call('POST', `/events/${event.id}/seats`, 'ops', { seats: [1, 2].map((n) => ({ section: 'A', row: '1', number: n })) }, 'admin');
    const [s1, s2] = ((await call('GET', `/events/${event.id}/seats`, 'ops')).body.seats as Array<{ id: string }>).map((s) => s.id);

    const stream = await openStream(`${watcher.url}/api/v1/events/${event.id}/stream`);
    try {
      const seat = (id: string, status: string) => (e: SseEvent) => e.event === 'seat' && e.data.seat_id === id && e.data.status === status;
      await stream.next((e) => e.event === 'availability' && e.data.available === 2);

      const hold = (await call('POST', '/holds', 'alice', { event_id: event.id, seat_ids: [s1] })).body;
      await stream.next(seat(s1!, 'held'));
      await call('DELETE', `/holds/${hold.id}`, 'alice');
      await stream.next(seat(s1!, 'available'));
      expect((await call('POST', '/holds', 'alice', { event_id: event.id, seat_ids: [s1], ttl_seconds: 1 })).status).toBe(201);
      await stream.next((e) => seat(s1!, 'held')(e) && stream.events.filter(seat(s1!, 'held')).length === 2);
      await stream.next((e) => seat(s1!, 'available')(e) && stream.events.filter(seat(s1!, 'available')).length === 2, 10_000);

      const [t1] = (await call('POST', '/tickets/purchase', 'bob', { event_id: event.id, seat_id: s1 })).body.tickets;
      await stream.next(seat(s1!, 'reserved'));
      await call('POST', `/tickets/${t1.id}/confirm`, 'bob');
      await stream.next(seat(s1!, 'sold'));
      const [t2] = (await call('POST', '/tickets/purchase', 'carol', { event_id: event.id, seat_id: s2 })).body.tickets;
      await stream.next(seat(s2!, 'reserved'));
      await stream.next((e) => e.event === 'sold_out');
      await stream.next((e) => e.event === 'availability' && e.data.available === 0 && e.data.sold === 1 && e.data.reserved === 1);
      await call('POST', `/tickets/${t2.id}/cancel`, 'carol');
      await stream.next(seat(s2!, 'available'));
      await stream.next((e) => e.event === 'availability' && e.data.available === 1);

      const ids = stream.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      stream.close();
    }
  }, 60_000);
});
