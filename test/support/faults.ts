import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { createClient } from 'redis';
import { DEVELOPMENT_JWT_SECRET } from '../../internal/config/config';
import { signToken } from '../../pkg/jwt/sign-token';
import { openPostgres, type DatabaseHandle } from '../../pkg/postgres/database';
import { eventBody, seatBodies } from './fixtures';
import { startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from './own-services';
import { startServerProcess, type ServerProcess } from './server-process';

/** One answer as a client saw it; status 0 means no answer at all (reset, or no reply within the timeout). */
export interface Reply {
  status: number;
  body: any;
  retryAfter: string | null;
  contentType: string | null;
  sentAt: number;
  ms: number;
  error?: string;
}

const tokens = new Map<string, Promise<string>>();
const bearer = (user: string) => {
  if (!tokens.has(user)) tokens.set(user, signToken(DEVELOPMENT_JWT_SECRET, { userId: user, role: user.startsWith('admin') ? 'admin' : 'user' }));
  return tokens.get(user)!;
};

/**
 * Every call has a deadline well above the one-second bound the faults must meet, so a hang shows up as a
 * status-0 reply in the figures instead of stalling the test until Jest's timeout.
 */
export async function call(base: string, user: string, method: string, path: string, body?: unknown, timeoutMs = 5_000, extraHeaders: Record<string, string> = {}): Promise<Reply> {
  const headers: Record<string, string> = { Authorization: `Bearer ${await bearer(user)}`, ...extraHeaders };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const sentAt = Date.now();
  try {
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type'), sentAt, ms: Date.now() - sentAt };
  } catch (error) {
    return { status: 0, body: null, retryAfter: null, contentType: null, sentAt, ms: Date.now() - sentAt, error: String(error) };
  }
}

/** Own Postgres, own Redis and API processes on them: everything a fault test may break. */
export interface Rig {
  pg: OwnPostgres;
  redis: OwnRedis;
  servers: ServerProcess[];
  /** A pool of the test's own, for the SQL checks. */
  db: DatabaseHandle;
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the rig; on any failure it tears down whatever it had started before rethrowing, because Jest's
 * afterAll only sees a rig that was returned. Processes start one after another: each migrates at start-up.
 */
export async function startRig(processes: number, extraEnv: Record<string, string> = {}): Promise<Rig> {
  const started: Partial<Rig> & { servers: ServerProcess[] } = { servers: [] };
  const close = async () => {
    await Promise.all(started.servers.map((server) => server.stop('SIGKILL').catch(() => null)));
    await started.db?.close().catch(() => {});
    await started.redis?.stop('SIGKILL').catch(() => {});
    await started.pg?.destroy().catch(() => {});
  };
  try {
    [started.pg, started.redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    const env = { DATABASE_URL: started.pg.url, REDIS_URL: started.redis.url, ...extraEnv };
    for (let i = 0; i < processes; i++) started.servers.push(await startServerProcess(env));
    started.db = openPostgres(started.pg.url, { poolSize: 4 });
    return { ...(started as Required<typeof started>), env, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface SaleEvents {
  seatedId: string;
  seatIds: string[];
  standingId: string;
  capacity: number;
}

/** A seated event with `seats` seats and a standing event of `capacity` places, made through the API. */
export async function createSale(base: string, seats: number, capacity: number): Promise<SaleEvents> {
  const seated = await call(base, 'admin-faults', 'POST', '/api/v1/events', eventBody());
  const added = await call(base, 'admin-faults', 'POST', `/api/v1/events/${seated.body.id}/seats`, { seats: seatBodies(seats) });
  const standing = await call(base, 'admin-faults', 'POST', '/api/v1/events', eventBody({ is_seated_event: false, total_tickets: capacity }));
  if (seated.status !== 201 || added.status !== 201 || standing.status !== 201) throw new Error(`createSale: ${seated.status} ${added.status} ${standing.status}`);
  const list = await call(base, 'admin-faults', 'GET', `/api/v1/events/${seated.body.id}/seats?limit=10000`);
  return { seatedId: seated.body.id, seatIds: list.body.seats.map((seat: { id: string }) => seat.id), standingId: standing.body.id, capacity };
}

export interface Invariants {
  /** Seats with more than one reserved-or-sold ticket: must be empty. */
  doubleSold: string[];
  /** Live standing tickets: must never exceed the capacity. */
  standingLive: number;
  /** Seats whose stored status disagrees with their live ticket (or lack of one): must be empty. */
  disagreeing: string[];
}

export async function checkInvariants(db: DatabaseHandle, sale: SaleEvents): Promise<Invariants> {
  const doubled = await sql<{ seatId: string }>`
    SELECT seat_id FROM tickets WHERE event_id = ${sale.seatedId} AND status IN ('reserved', 'sold')
    GROUP BY seat_id HAVING count(*) > 1`.execute(db.db);
  const live = await sql<{ live: number }>`
    SELECT count(*) AS live FROM tickets WHERE event_id = ${sale.standingId} AND status IN ('reserved', 'sold')`.execute(db.db);
  const disagreeing = await sql<{ id: string }>`
    SELECT s.id FROM seats s LEFT JOIN tickets t ON t.seat_id = s.id AND t.status IN ('reserved', 'sold')
    WHERE s.event_id = ${sale.seatedId} AND s.status <> coalesce(t.status, 'available')`.execute(db.db);
  return { doubleSold: doubled.rows.map((row) => row.seatId), standingLive: Number(live.rows[0]!.live), disagreeing: disagreeing.rows.map((row) => row.id) };
}

/** Ticket ids (of those given) that Postgres does not have: a 201 whose tickets are gone is lost data. */
export async function missingTickets(db: DatabaseHandle, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db.db.selectFrom('tickets').select('id').where('id', 'in', ids).execute();
  const present = new Set(found.map((row) => row.id));
  return ids.filter((id) => !present.has(id));
}

/** Tickets carrying any of these hold ids: a purchase that was refused must not have sold anything. */
export async function ticketsOfHolds(db: DatabaseHandle, holdIds: string[]): Promise<string[]> {
  if (holdIds.length === 0) return [];
  const rows = await db.db.selectFrom('tickets').select('id').where('holdId', 'in', holdIds).execute();
  return rows.map((row) => row.id);
}

/** Access-log or error lines with a 5xx other than 503: a 503 is the designed answer, anything else a bug. */
export function serverErrors(servers: ServerProcess[]): string[] {
  return servers.flatMap((server) => server.output.filter((line) => /"status":5(?!03)\d\d/.test(line) || /"level":"error"/.test(line)));
}

/** Server-side durations (ms) of the access-log lines with this status: the service's own time, without the client's. */
export function serverDurations(servers: ServerProcess[], status: number): number[] {
  return servers
    .flatMap((server) => server.output.filter((line) => line.includes('"message":"request"') && line.includes(`"status":${status},`)))
    .map((line) => Number(JSON.parse(line).duration_ms));
}

/** [p50, p95, max] of a list of durations, rounded to ms. */
export function spread(ms: number[]): [number, number, number] {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0);
  return [at(0.5), at(0.95), Math.round(sorted[sorted.length - 1] ?? 0)];
}

/** One command on the test's own Redis (never the shared one: FLUSHALL goes through here). */
export async function redisCommand(url: string, args: string[]): Promise<unknown> {
  const client = createClient({ url, RESP: 2, maintNotifications: 'disabled' });
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}

/** The pid of the test's own redis-server on that URL's port (it titles itself `redis-server <host>:<port>`). */
export function redisPid(url: string): number {
  const { hostname, port } = new URL(url);
  return Number(execFileSync('pgrep', ['-f', `^redis-server ${hostname}:${port}$`]).toString().trim());
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value that is not undefined; the elapsed ms, or null after `timeoutMs`. */
export async function timeUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 50): Promise<{ ms: number; value: T } | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await check();
    if (value !== undefined) return { ms: Date.now() - started, value };
    await sleep(everyMs);
  }
  return null;
}
