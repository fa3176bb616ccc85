import { randomUUID } from 'node:crypto';
import express from 'express';
import { createRedisClient } from '../../pkg/redis/client';

/**
 * The `express-baseline` phase's server (part of the bench, not the product): the common pattern a
 * seat-lock API starts from. Express 5, express.json(), and one `SET lock NX EX ttl` per request; no auth,
 * no validation, no metrics, no logs. In embedded mode a Map with expiry stands in for Redis, as the
 * in-process stores stand in for it in the API.
 * Env: PORT (0 = any), REDIS_URL (absent: in-process Map), REDIS_KEY_PREFIX.
 */
type Lock = (key: string, owner: string, ttlSeconds: number) => Promise<boolean>;

async function openLock(): Promise<{ lock: Lock; close(): Promise<void> }> {
  const prefix = process.env.REDIS_KEY_PREFIX ?? 'onsale-bench-baseline:';
  if (process.env.REDIS_URL) {
    const client = createRedisClient(process.env.REDIS_URL, (error) => console.error(JSON.stringify({ message: 'redis error', error: error.message })));
    await client.connect();
    return {
      lock: async (key, owner, ttl) => (await client.set(prefix + key, owner, { condition: 'NX', expiration: { type: 'EX', value: ttl } })) === 'OK',
      close: async () => void (await client.close()),
    };
  }
  const locks = new Map<string, number>();
  return {
    lock: async (key, _owner, ttl) => {
      const now = Date.now();
      if ((locks.get(key) ?? 0) > now) return false;
      locks.set(key, now + ttl * 1000);
      return true;
    },
    close: async () => {},
  };
}

async function main(): Promise<void> {
  const { lock, close } = await openLock();
  const app = express();
  app.use(express.json());
  app.post('/api/v1/holds', async (req, res) => {
    const { event_id: eventId, seat_ids: seatIds, ttl_seconds: ttl } = req.body as { event_id: string; seat_ids: string[]; ttl_seconds: number };
    const holdId = randomUUID();
    if (await lock(`lock:${eventId}:${seatIds[0]}`, holdId, ttl)) res.status(201).json({ id: holdId, event_id: eventId, seat_ids: seatIds });
    else res.status(409).json({ error: 'seat already held' });
  });
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    console.log(JSON.stringify({ message: 'listening', port: typeof address === 'object' && address ? address.port : 0 }));
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void close().then(() => process.exit(0)));
  });
}

void main();
