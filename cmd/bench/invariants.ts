import { sql, type Kysely } from 'kysely';
import { openPGlite, openPostgres, type DatabaseHandle } from '../../pkg/postgres/database';
import type { Database } from '../../pkg/postgres/tables';

export interface InvariantResult {
  name: string;
  violations: number;
  /** Up to five offending rows, to start the investigation from. */
  examples: unknown[];
}

export interface InvariantReport {
  ok: boolean;
  checks: InvariantResult[];
  /** Live tickets by event and status, to compare with what the funnel claims it sold. */
  tickets: Array<{ eventId: string; status: string; n: number }>;
}

type Db = Kysely<Database>;

// Each query returns the rows that break one rule; an empty answer is a pass. They are scoped to this
// run's events so a reused database's older data cannot fail (or hide) this run.
const CHECKS: Array<{ name: string; query: (db: Db, events: ReturnType<typeof sql.join>) => Promise<{ rows: unknown[] }> }> = [
  {
    name: 'no seat with two live tickets',
    query: (db, events) =>
      sql`SELECT seat_id AS seat, count(*) AS live FROM tickets
          WHERE seat_id IS NOT NULL AND status IN ('reserved', 'sold') AND event_id IN (${events})
          GROUP BY seat_id HAVING count(*) > 1`.execute(db),
  },
  {
    name: 'no standing event over capacity',
    query: (db, events) =>
      sql`SELECT e.id AS event, e.total_tickets AS capacity, count(t.id) AS live FROM events e
          JOIN tickets t ON t.event_id = e.id AND t.seat_id IS NULL AND t.status IN ('reserved', 'sold')
          WHERE NOT e.is_seated_event AND e.id IN (${events})
          GROUP BY e.id, e.total_tickets HAVING count(t.id) > e.total_tickets`.execute(db),
  },
  {
    name: 'every sold ticket\'s seat is sold',
    query: (db, events) =>
      sql`SELECT t.id AS ticket, s.status AS seatstatus FROM tickets t JOIN seats s ON s.id = t.seat_id
          WHERE t.status = 'sold' AND s.status <> 'sold' AND t.event_id IN (${events})`.execute(db),
  },
  {
    // Not in the list, but the same rule seen from the seat: its stored status is its live ticket's.
    name: 'every seat\'s status matches its live ticket',
    query: (db, events) =>
      sql`SELECT s.id AS seat, s.status AS seatstatus, t.status AS ticketstatus FROM seats s
          LEFT JOIN tickets t ON t.seat_id = s.id AND t.status IN ('reserved', 'sold')
          WHERE s.event_id IN (${events}) AND s.status IS DISTINCT FROM coalesce(t.status, 'available')`.execute(db),
  },
];

/**
 * Checks the invariants in SQL after the run. Embedded mode opens the server's data directory with PGlite,
 * which is possible only after the server has stopped and released its lock.
 */
export async function checkInvariants(where: { databaseUrl: string } | { dataDir: string }, eventIds: string[]): Promise<InvariantReport> {
  const handle: DatabaseHandle = 'databaseUrl' in where ? openPostgres(where.databaseUrl, { poolSize: 2 }) : await openPGlite(where.dataDir);
  try {
    const events = sql.join(eventIds);
    const checks: InvariantResult[] = [];
    for (const check of CHECKS) {
      const { rows } = await check.query(handle.db, events);
      checks.push({ name: check.name, violations: rows.length, examples: rows.slice(0, 5) });
    }
    const { rows } = await sql<{ eventId: string; status: string; n: number }>`
      SELECT event_id, status, count(*)::int AS n FROM tickets WHERE event_id IN (${events}) GROUP BY event_id, status ORDER BY event_id, status`.execute(handle.db);
    return { ok: checks.every((check) => check.violations === 0), checks, tickets: rows };
  } finally {
    await handle.close();
  }
}
