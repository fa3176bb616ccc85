import { sql } from 'kysely';
import { prepare } from './prepared';

// The purchases of one turn of the event loop as one statement each for seats and for places: one round
// trip, one commit and one WAL flush for all of them instead of one each (commit and statement set-up were
// half of Postgres's CPU per ticket). Each purchase stays all or nothing on its own: one that cannot be
// served changes nothing and is reported so, and the others go ahead. Rows are found by one primary-key
// probe each (a LATERAL subquery that locks or has a LIMIT is never flattened into a join), so the generic
// plan a pooled connection keeps does not depend on how big the tables were when it was made.

/** Per purchase, by its position `p` in the batch. */
interface Buyers {
  buyers: number[];
  userIds: string[];
  holdIds: Array<string | null>;
  holdExpiresAts: Array<Date | null>;
  reservedUntils: Date[];
  nows: Date[];
}

export interface BatchSeatRow {
  p: number;
  seatId: string;
  /** Null when the seat is unknown (or not of a seated event). */
  priceCents: number | null;
  /** The same on every row of a purchase: all its seats were reserved and its tickets inserted. */
  reserved: boolean;
}

/**
 * Seats of several purchases (no seat in two of them): locks every seat in id order, then, per purchase,
 * only if each of its seats is known, of its event and available, reserves them and inserts their tickets
 * and history. A row per seat asked for.
 */
export const reserveSeatsTogetherStatement = prepare<
  Buyers & { ps: number[]; eventIds: string[]; seatIds: string[]; ticketIds: string[]; historyIds: string[] },
  BatchSeatRow
>('reserve_seats_together', (p) => sql`
  WITH wanted AS (
    SELECT * FROM unnest(${p.ps}::int[], ${p.eventIds}::uuid[], ${p.seatIds}::uuid[], ${p.ticketIds}::uuid[], ${p.historyIds}::uuid[])
      AS w (p, event_id, seat_id, ticket_id, history_id)
  ), buyers AS (
    SELECT * FROM unnest(${p.buyers}::int[], ${p.userIds}::text[], ${p.holdIds}::text[], ${p.holdExpiresAts}::timestamptz[], ${p.reservedUntils}::timestamptz[], ${p.nows}::timestamptz[])
      AS b (p, user_id, hold_id, hold_expires_at, reserved_until, now)
  ), locked AS (
    SELECT s.*
    FROM (SELECT seat_id FROM wanted ORDER BY seat_id) w
    CROSS JOIN LATERAL (
      SELECT s.id, s.event_id, s.status, s.price_cents
      FROM seats s JOIN events e ON e.id = s.event_id AND e.is_seated_event
      WHERE s.id = w.seat_id
      FOR UPDATE OF s
    ) s
  ), verdict AS (
    SELECT w.p, bool_and(l.id IS NOT NULL AND l.event_id = w.event_id AND l.status = 'available'
      AND coalesce(statement_timestamp() < b.hold_expires_at, true)) AS ok
    FROM wanted w LEFT JOIN locked l ON l.id = w.seat_id JOIN buyers b ON b.p = w.p
    GROUP BY w.p
  ), granted AS (
    SELECT w.seat_id, b.now FROM wanted w JOIN verdict v ON v.p = w.p AND v.ok JOIN buyers b ON b.p = w.p
  ), reserved AS (
    -- = ANY (ARRAY(...)) rather than a join: a join's generic plan may scan every seat.
    UPDATE seats s SET status = 'reserved', updated_at = (SELECT g.now FROM granted g WHERE g.seat_id = s.id), version = s.version + 1
    WHERE s.id = ANY (ARRAY(SELECT seat_id FROM granted))
    RETURNING s.id, s.price_cents
  ), inserted AS (
    INSERT INTO tickets (id, event_id, seat_id, user_id, status, price_cents, reserved_until, hold_id, created_at, updated_at)
    SELECT w.ticket_id, w.event_id, w.seat_id, b.user_id, 'reserved', r.price_cents, b.reserved_until, b.hold_id, b.now, b.now
    FROM wanted w JOIN reserved r ON r.id = w.seat_id JOIN buyers b ON b.p = w.p
    RETURNING id
  ), history AS (
    INSERT INTO ticket_history (id, ticket_id, from_status, to_status, actor, reason, at)
    SELECT w.history_id, i.id, NULL, 'reserved', b.user_id, 'purchase', b.now
    FROM wanted w JOIN inserted i ON i.id = w.ticket_id JOIN buyers b ON b.p = w.p
  )
  SELECT w.p, w.seat_id, l.price_cents, v.ok AS reserved
  FROM wanted w JOIN verdict v ON v.p = w.p LEFT JOIN locked l ON l.id = w.seat_id`);

/**
 * Places of several standing purchases: each one only if it fits by its event's live-ticket counter
 * together with the purchases before it in the batch (a running sum, so one that does not fit can hold up
 * a later smaller one: that one is then tried alone). The counter is read, not locked: the capacity trigger
 * decides at commit (migration 0003), where the whole statement fails if another buyer took the places in
 * between. Each hold is marked bought; a batch holds no hold twice (purchase-batch.ts). The positions of
 * the purchases served.
 */
export const reservePlacesTogetherStatement = prepare<
  Buyers & { eventIds: string[]; quantities: number[]; spentUntils: Array<Date | null>; ps: number[]; ticketIds: string[]; historyIds: string[] },
  { p: number }
>('reserve_places_together', (p) => sql`
  WITH buyers AS (
    SELECT * FROM unnest(${p.buyers}::int[], ${p.eventIds}::uuid[], ${p.quantities}::int[], ${p.userIds}::text[], ${p.holdIds}::text[], ${p.holdExpiresAts}::timestamptz[], ${p.reservedUntils}::timestamptz[], ${p.nows}::timestamptz[], ${p.spentUntils}::timestamptz[])
      AS b (p, event_id, quantity, user_id, hold_id, hold_expires_at, reserved_until, now, spent_until)
  ), wanted AS (
    SELECT * FROM unnest(${p.ps}::int[], ${p.ticketIds}::uuid[], ${p.historyIds}::uuid[]) AS w (p, ticket_id, history_id)
  ), room AS (
    SELECT d.event_id, c.live, c.total
    FROM (SELECT DISTINCT event_id FROM buyers) d
    CROSS JOIN LATERAL (
      SELECT c.live, coalesce(e.total_tickets, 0) AS total
      FROM event_live_tickets c JOIN events e ON e.id = c.event_id AND NOT e.is_seated_event
      WHERE c.event_id = d.event_id
      LIMIT 1
    ) c
  ), fits AS (
    SELECT b.*
    FROM (SELECT b.*, sum(b.quantity) OVER (PARTITION BY b.event_id ORDER BY b.p) AS upto FROM buyers b) b
    JOIN room r ON r.event_id = b.event_id
    WHERE r.live + b.upto <= r.total AND coalesce(statement_timestamp() < b.hold_expires_at, true)
  ), inserted AS (
    INSERT INTO tickets (id, event_id, seat_id, user_id, status, price_cents, reserved_until, hold_id, created_at, updated_at)
    SELECT w.ticket_id, f.event_id, NULL, f.user_id, 'reserved', 0, f.reserved_until, f.hold_id, f.now, f.now
    FROM wanted w JOIN fits f ON f.p = w.p
    -- The capacity trigger locks each event's counter row at commit in insert order: by event, so two
    -- batches of the same events always lock them in the same order and never deadlock.
    ORDER BY f.event_id, w.ticket_id
    RETURNING id
  ), history AS (
    INSERT INTO ticket_history (id, ticket_id, from_status, to_status, actor, reason, at)
    SELECT w.history_id, i.id, NULL, 'reserved', f.user_id, 'purchase', f.now
    FROM wanted w JOIN inserted i ON i.id = w.ticket_id JOIN fits f ON f.p = w.p
  ), spent AS (
    INSERT INTO hold_purchases (hold_id, spent_until)
    SELECT f.hold_id, f.spent_until FROM fits f WHERE f.spent_until IS NOT NULL
  )
  SELECT p FROM fits`);
