import { sql, type Kysely } from 'kysely';
import { HoldStore } from '../../../lib/adapter/hold-store';
import { WaitingRoom } from '../../../lib/adapter/waiting-room';
import { KYSELY } from '../../../pkg/postgres/database';
import type { Database } from '../../../pkg/postgres/tables';
import type { TestApp } from '../test-app';
import type { RefName } from './routes';
import type { HostileWorld } from './world';

interface KeyRow {
  user: string;
  key: string;
  status: string;
  response: number | null;
}

interface Row {
  ticket: string | null;
  seat: string | null;
  events: string | null;
  seats: string | null;
  tickets: string | null;
  history: number;
  keys: KeyRow[] | null;
}

/** The state a request could change, scoped to this test's events and users (other files share the servers). */
export interface Fingerprint {
  /** Event, seat and ticket rows (hashed whole) and the ticket history length of the fixture events. */
  rows: Record<string, string | number | null>;
  keys: KeyRow[];
  /** Holds and waiting room: held counts per event, the fixture hold, queue counts and session. */
  stores: string;
  /** Whether each fixture is still usable, read in the same round trips (not compared). */
  fixtures: { holdExpiresAt: number | null; ticket: string | null; session: string | null; seatFree: boolean };
}

export async function fingerprint(t: TestApp, world: HostileWorld): Promise<Fingerprint> {
  const db = t.runtime.container.get<Kysely<Database>>(KYSELY);
  const holds = t.runtime.container.get<HoldStore>(HoldStore);
  const room = t.runtime.container.get<WaitingRoom>(WaitingRoom);
  const events = world.eventIds();
  const users = Object.values(world.users);
  const inEvents = sql.join(events.map((id) => sql`${id}::uuid`));
  // One round trip for everything durable; md5 of the whole row catches a change in any column.
  const ref = (name: RefName) => String(world.value(name));
  const query = sql<Row>`
    select
      (select status from tickets where id = ${ref('ticketId')}::uuid) as ticket,
      (select status from seats where id = ${ref('seatId')}::uuid) as seat,
      (select string_agg(e.id || '=' || md5(e::text), ',' order by e.id) from events e where e.id in (${inEvents})) as events,
      (select string_agg(s.id || '=' || md5(s::text), ',' order by s.id) from seats s where s.event_id in (${inEvents})) as seats,
      (select string_agg(k.id || '=' || md5(k::text), ',' order by k.id) from tickets k where k.event_id in (${inEvents})) as tickets,
      (select count(*)::int from ticket_history h join tickets k on k.id = h.ticket_id where k.event_id in (${inEvents})) as history,
      (select json_agg(json_build_object('user', i.user_id, 'key', i.key, 'status', i.status, 'response', i.response_status) order by i.user_id, i.key)
         from idempotency_keys i where i.user_id in (${sql.join(users)})) as keys`;
  const now = new Date();
  const queued = ref('queuedEventId');
  const [{ rows }, held, hold, counts, session, seatHolds] = await Promise.all([
    query.execute(db),
    Promise.all(events.map((id) => holds.heldCount(id))),
    holds.get(ref('holdId')),
    room.counts(queued, now),
    room.session(queued, ref('sessionId'), now),
    holds.seatHolds(ref('seatedEventId'), [ref('seatId')]),
  ]);
  const { keys, ticket, seat, ...durable } = rows[0]!;
  const stores = JSON.stringify({
    held,
    hold: hold && { expires: hold.expiresAt.toISOString(), fencing: hold.fencingToken, seats: hold.seatIds },
    queue: counts,
    session: session && { status: session.status, expires: session.expiresAt?.toISOString() ?? null },
  });
  const fixtures = { holdExpiresAt: hold?.expiresAt.getTime() ?? null, ticket, session: session?.status ?? null, seatFree: seat === 'available' && seatHolds.size === 0 };
  return { rows: durable, keys: keys ?? [], stores, fixtures };
}

/**
 * What changed between two fingerprints, as readable lines. `allowedKey` is the one change a rejected
 * request may make: with an Idempotency-Key, its 4xx answer is stored for replay (IdempotencyService keeps
 * every answer except 409, 429 and 5xx), so a retry of the same request gets the same answer.
 */
export function changes(before: Fingerprint, after: Fingerprint, allowedKey?: { key: string; status: number }): string[] {
  const found: string[] = [];
  for (const name of Object.keys(before.rows)) {
    if (before.rows[name] !== after.rows[name]) found.push(`${name}: ${clip(before.rows[name])} -> ${clip(after.rows[name])}`);
  }
  if (before.stores !== after.stores) found.push(`stores: ${before.stores} -> ${after.stores}`);
  const line = (row: KeyRow) => JSON.stringify(row);
  const was = new Set(before.keys.map(line));
  const now = new Set(after.keys.map(line));
  for (const row of after.keys) {
    const allowed = allowedKey && row.key === allowedKey.key && row.status === 'done' && row.response === allowedKey.status;
    if (!was.has(line(row)) && !allowed) found.push(`idempotency key added or changed: ${line(row)}`);
  }
  for (const row of before.keys) if (!now.has(line(row))) found.push(`idempotency key removed or changed: ${line(row)}`);
  return found;
}

function clip(value: unknown): string {
  const text = String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…(${text.length} chars)` : text;
}
