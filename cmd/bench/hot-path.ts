import 'reflect-metadata';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../internal/config/config';
import { HoldBodyDto } from '../../internal/controller/hold.dto';
import { parseBody } from '../../internal/controller/validation';
import { EventService } from '../../internal/service/event.service';
import { HoldService } from '../../internal/service/hold.service';
import { IdempotencyService } from '../../internal/service/idempotency.service';
import { PurchaseService } from '../../internal/service/purchase.service';
import { SeatService } from '../../internal/service/seat.service';
import { TicketService } from '../../internal/service/ticket.service';
import { EventBus } from '../../lib/adapter/event-bus';
import { HoldStore } from '../../lib/adapter/hold-store';
import { Metrics } from '../../lib/adapter/metrics';
import { TokenVerifier } from '../../lib/adapter/token-verifier';
import type { Principal } from '../../lib/domain/principal';
import { SeatRepository } from '../../lib/repository/seat-repository';
import { signToken } from '../../pkg/jwt/sign-token';
import { deletePrefix } from '../../pkg/redis/client';
import { WinstonLogger } from '../../pkg/winston/winston-logger';
import { buildRuntime } from '../server/container';

/**
 * What each step of the hold and purchase requests costs in CPU, one at a time with nothing else running
 * (the profile under load cannot separate them cleanly on a 2-core box). Every step runs sequentially,
 * `--ops` times after a warm-up, through the same services and ports the API uses; `CPU us/op` is this
 * process's user+system time per call (Postgres and Redis excluded), `ops/s` what one core of it sustained.
 * In-process, like queue-bench.ts:
 *   node dist/cmd/bench/hot-path.js [--ops 2000]   (DATABASE_URL / REDIS_URL select real servers)
 */
const { values } = parseArgs({ options: { ops: { type: 'string', default: '2000' } } });
const OPS = Number(values.ops);
const IO = 50;

/**
 * Runs `op` `ops` times, `concurrency` at a time (I/O steps run 50 at a time, as under load: one event-loop
 * wake-up then serves many replies, which a one-at-a-time loop would charge to every call).
 */
async function measure(name: string, ops: number, op: (i: number) => unknown, concurrency = 1): Promise<void> {
  let next = 0;
  const run = async (count: number) => {
    const worker = async () => {
      for (let i = next++; i < count; i = next++) await op(i);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  const warm = Math.min(ops, 2_000); // JIT (optimised code needs thousands of calls), pools, prepared paths
  await run(warm);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run(warm + ops);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  console.log(`${name.padEnd(58)} ${String(ops).padStart(6)}  ${((used.user + used.system) / ops).toFixed(1).padStart(9)}  ${(ops / seconds).toFixed(0).padStart(8)}`);
}

/** The HS256 check the API does, with node:crypto instead of WebCrypto: a reference, not product code. */
function hmacVerify(token: string, key: Buffer): unknown {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'base64url'))) throw new Error('bad signature');
  return JSON.parse(Buffer.from(payload, 'base64url').toString());
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onsale-hot-path-'));
  const base = loadConfig();
  const config = { ...base, dataDir: join(dataDir, 'db'), redisKeyPrefix: `onsale-hot-path-${randomUUID()}:`, rateLimit: { ...base.rateLimit, perUser: 0, perIp: 0 } };
  const runtime = await buildRuntime(config, new WinstonLogger('warn'));
  const { container } = runtime;
  console.log(`hot-path costs: database ${runtime.storage.database}, store ${runtime.storage.cache}; CPU in microseconds per call`);
  console.log(`${'step'.padEnd(58)} ${'ops'.padStart(6)}  ${'CPU us/op'.padStart(9)}  ${'ops/s'.padStart(8)}`);
  try {
    const start = new Date(Date.now() + 30 * 86_400_000);
    const draft = { name: 'hot path', description: null, venue: 'Bench', startTime: start, endTime: new Date(start.getTime() + 3_600_000), saleStartsAt: null, saleEndsAt: null, queue: null };
    const { event } = await container.get<EventService>(EventService).create({ ...draft, isSeatedEvent: true, totalTickets: null });
    const seatCount = 2 * OPS + 4_000;
    await container.get<SeatService>(SeatService).addSeats(event.id, Array.from({ length: seatCount }, (_, i) => ({ section: 'A', row: String(Math.floor(i / 100)), number: String(i % 100), priceCents: 100, category: null })));
    const seatIds = (await container.get<SeatRepository>(SeatRepository).list(event.id, { limit: seatCount, cursor: null })).items.map((seat) => seat.id);
    const user: Principal = { userId: 'hot-path-user', role: 'user' };
    const token = await signToken(config.jwtSecret, user);
    const body = { event_id: event.id, seat_ids: [seatIds[0]!], ttl_seconds: 60 };

    const verifier = container.get<TokenVerifier>(TokenVerifier);
    await measure('JWT verify: TokenVerifier (jose, WebCrypto)', OPS * 10, () => verifier.verify(token));
    const key = Buffer.from(config.jwtSecret);
    await measure('  reference: the same check with node:crypto createHmac', OPS * 10, () => hmacVerify(token, key));
    await measure('parseBody(HoldBodyDto): class-transformer + class-validator', OPS * 10, () => parseBody(HoldBodyDto, { ...body }));
    const text = JSON.stringify(body);
    await measure('  reference: JSON.parse of the same body', OPS * 10, () => JSON.parse(text));
    const events = container.get<EventService>(EventService);
    await measure('EventService.require (1 database round trip)', OPS, () => events.require(event.id), IO);
    const seats = container.get<SeatRepository>(SeatRepository);
    await measure('SeatRepository.findMany, 1 seat (1 database round trip)', OPS, (i) => seats.findMany(event.id, [seatIds[i % seatCount]!]), IO);
    const store = container.get<HoldStore>(HoldStore);
    // Another event id: store-level holds must not block the seats the service steps below take.
    const storeEvent = randomUUID();
    await measure('HoldStore.holdSeats (1 Lua script / in process)', OPS, (i) =>
      store.holdSeats({ holdId: randomUUID(), eventId: storeEvent, userId: `u${i % 1_000}`, seatIds: [seatIds[i % seatCount]!], ttlMs: 1_000, maxPerUser: 10 }),
      IO,
    );
    const bus = container.get<EventBus>(EventBus);
    await measure('EventBus.publish (one live seat-map message)', OPS, () => bus.publish(storeEvent, 'seat', { seat_id: seatIds[0], status: 'held' }), IO);
    const metrics = container.get<Metrics>(Metrics);
    await measure('Metrics.httpRequest (prom-client histogram)', OPS * 10, () => metrics.httpRequest('POST', '/api/v1/holds', 201, 0.004));
    await measureLogger();

    // The use cases end to end (no HTTP): each takes the next seats, so every call succeeds.
    const holds = container.get<HoldService>(HoldService);
    let next = 0;
    const taken: Array<{ id: string; buyer: Principal }> = [];
    // A user per hold: the per-user cap (10 per event) would refuse the 11th.
    await measure('HoldService.hold, 1 seat (whole use case)', OPS, async () => {
      const i = next++;
      const buyer: Principal = { userId: `hot-path-${i}`, role: 'user' };
      taken.push({ id: (await holds.hold(buyer, { eventId: event.id, seatIds: [seatIds[i]!], ttlSeconds: 300 })).id, buyer });
    }, IO);
    const purchases = container.get<PurchaseService>(PurchaseService);
    const tickets: Array<{ id: string; buyer: Principal }> = [];
    await measure('PurchaseService.purchase {hold_id} (whole use case)', Math.floor(taken.length / 2), async (i) => {
      const { id, buyer } = taken[i]!;
      tickets.push({ id: (await purchases.purchase(buyer, { holdId: id, fencingToken: null }))[0]!.id, buyer });
    }, IO);
    const ticketService = container.get<TicketService>(TicketService);
    await measure('TicketService.confirm (whole use case)', Math.floor(tickets.length / 2), (i) => ticketService.confirm(tickets[i]!.buyer, tickets[i]!.id), IO);
    const idempotency = container.get<IdempotencyService>(IdempotencyService);
    await measure('IdempotencyService.begin + finish (per purchase/confirm)', OPS, async () => {
      const ref = { userId: user.userId, key: randomUUID() };
      await idempotency.begin(ref, { method: 'POST', path: '/api/v1/tickets/purchase', body });
      await idempotency.finish(ref, { status: 201, contentType: 'application/json', body: '{"tickets":[]}' });
    }, IO);
  } finally {
    if (runtime.redis) {
      await deletePrefix(runtime.redis, config.redisKeyPrefix);
    }
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One access line through winston, written synchronously to /dev/null as stdout to a file or pipe would be. */
async function measureLogger(): Promise<void> {
  const logger = new WinstonLogger('info');
  const devNull = openSync('/dev/null', 'w');
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => writeSync(devNull, typeof chunk === 'string' ? Buffer.from(chunk) : chunk) >= 0) as typeof process.stdout.write;
  const fields = { request_id: randomUUID(), method: 'POST', route: '/api/v1/holds', status: 201, duration_ms: 3.2 };
  try {
    const cpu = process.cpuUsage();
    for (let i = 0; i < OPS * 10; i++) logger.info('request', fields);
    const used = process.cpuUsage(cpu);
    process.stdout.write = write;
    console.log(`${'Logger.info access line (winston JSON, sync write)'.padEnd(58)} ${String(OPS * 10).padStart(6)}  ${((used.user + used.system) / (OPS * 10)).toFixed(1).padStart(9)}`);
  } finally {
    process.stdout.write = write;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
