import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { HoldStore } from '../../lib/adapter/hold-store';
import { MemoryHoldStore } from '../../pkg/memory/memory-hold-store';
import { createRedisClient } from '../../pkg/redis/client';
import { RedisHoldStore } from '../../pkg/redis/redis-hold-store';
import { SystemClock } from '../../pkg/system/system-clock';

/**
 * The `ceiling` phase's server (part of the bench, not the product): bare node:http doing exactly the
 * product's hold decision, RedisHoldStore's Lua script (or MemoryHoldStore in embedded mode), and nothing
 * else. What the API loses against it is the price of Express, auth, validation, the event and seat reads,
 * metrics and logs. The user id is read from the token's `sub` without verifying it, only so the per-user
 * cap behaves as in the API.
 * Env: PORT (0 = any), REDIS_URL (absent: in-process store), REDIS_KEY_PREFIX.
 */
const MAX_PER_USER = 10;

function userOf(req: IncomingMessage): string {
  const payload = req.headers.authorization?.split('.')[1];
  if (!payload) return 'anonymous';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: string }).sub ?? 'anonymous';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function main(): Promise<void> {
  let store: HoldStore;
  let close = async () => {};
  if (process.env.REDIS_URL) {
    const client = createRedisClient(process.env.REDIS_URL, (error) => console.error(JSON.stringify({ message: 'redis error', error: error.message })));
    await client.connect();
    store = new RedisHoldStore(client, process.env.REDIS_KEY_PREFIX ?? 'onsale-bench-ceiling:');
    close = async () => void (await client.close());
  } else {
    store = new MemoryHoldStore(new SystemClock());
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as { event_id: string; seat_ids: string[]; ttl_seconds: number };
          const outcome = await store.holdSeats({
            holdId: randomUUID(), eventId: body.event_id, userId: userOf(req), seatIds: body.seat_ids, ttlMs: body.ttl_seconds * 1000, maxPerUser: MAX_PER_USER,
          });
          if (outcome.ok) send(res, 201, { id: outcome.hold.id, fencing_token: outcome.hold.fencingToken, expires_at: outcome.hold.expiresAt.toISOString() });
          else send(res, 409, { type: `/problems/${outcome.reason}` });
        } catch (error) {
          send(res, 500, { error: error instanceof Error ? error.message : String(error) });
        }
      })();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    console.log(JSON.stringify({ message: 'listening', port: typeof address === 'object' && address ? address.port : 0 }));
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void close().then(() => process.exit(0)));
  });
}

void main();
