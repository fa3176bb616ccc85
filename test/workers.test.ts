import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import { signToken } from '../pkg/jwt/sign-token';
import { eventBody } from './support/fixtures';
import { startServerProcess } from './support/server-process';
import { databaseUrl, redisUrl } from './support/services';

const shared = databaseUrl && redisUrl;
if (!shared) console.warn('WORKERS test skipped: set DATABASE_URL and REDIS_URL');

(shared ? describe : describe.skip)('WORKERS=2: two server processes on one port', () => {
  it('serves from both workers, lets one buyer of 200 win a seat, and drains on SIGTERM', async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl!, REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `onsale-test:${randomUUID()}:`, WORKERS: '2' });
    try {
      const listening = () => server.output.filter((line) => line.includes('"message":"listening"')).length;
      const deadline = Date.now() + 30_000;
      while (listening() < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(listening()).toBe(2);

      const admin = { Authorization: `Bearer ${await signToken(DEVELOPMENT_JWT_SECRET, { userId: 'w-admin', role: 'admin' })}`, 'Content-Type': 'application/json' };
      const event = (await (await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: admin, body: JSON.stringify(eventBody()) })).json()) as { id: string };
      await fetch(`${server.url}/api/v1/events/${event.id}/seats`, { method: 'POST', headers: admin, body: JSON.stringify({ seats: [{ section: 'A', row: '1', number: 1 }] }) });
      const seat = ((await (await fetch(`${server.url}/api/v1/events/${event.id}/seats`)).json()) as { seats: Array<{ id: string }> }).seats[0]!;

      const tokens = await Promise.all(Array.from({ length: 200 }, (_, i) => signToken(DEVELOPMENT_JWT_SECRET, { userId: `w-buyer-${i}`, role: 'user' })));
      const statuses = await Promise.all(
        tokens.map(async (token) => {
          // A fresh connection each, so node:cluster spreads them over both workers.
          const res = await fetch(`${server.url}/api/v1/holds`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Connection: 'close' },
            body: JSON.stringify({ event_id: event.id, seat_ids: [seat.id] }),
          });
          return res.status;
        }),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(199);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  }, 90_000);
});
