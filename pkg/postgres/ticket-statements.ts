import { sql } from 'kysely';
import type { TicketStatus } from '../../lib/domain/ticket';
import type { StoredSeatStatus } from '../../lib/domain/seat';
import { prepare } from './prepared';
import type { TicketRow } from './ticket-writes';

// The purchase and the transitions, each one statement (data-modifying CTEs) instead of five or six: every
// round trip costs a socket write and a backend wake-up on both sides, and on a busy box that dominated the
// purchase. Anything other than the plain success (a seat taken, capacity gone, a due reservation, a
// ticket that is someone else's) changes nothing here and is left to the step-by-step path.
//
// Foreign keys and the capacity trigger still check every row: RI checks run at the end of the statement,
// after the sibling CTEs' inserts.
//
// A batch finds its rows by one primary-key probe each (a LATERAL subquery that locks or has a LIMIT is
// never flattened into a join). As a plain join, the generic plan each pooled connection keeps was made
// while the tables were still small, and there a hash join over a sequential scan is cheapest; the plan
// then stays for the connection's life, reading every ticket on every confirm batch (with the same scan of
// idempotency keys, 100-600 us of Postgres CPU per ticket in funnel runs on a fresh database).

interface Purchase {
  eventId: string;
  userId: string;
  holdId: string | null;
  holdExpiresAt: Date | null;
  now: Date;
  reservedUntil: Date;
  ticketIds: string[];
  historyIds: string[];
}

export interface SeatOutcome {
  seatId: string;
  status: StoredSeatStatus;
  priceCents: number;
  /** True on every row when all the seats were reserved (and their tickets inserted); false on every row otherwise. */
  reserved: boolean;
}

/**
 * Locks the requested seats of a seated event in id order (overlapping purchases queue, never deadlock) and,
 * only if every one is known and available, reserves them all and inserts their tickets and history. One
 * row per seat found, with the status it had under the lock.
 */
export const reserveSeatsStatement = prepare<Purchase & { seatIds: string[] }, SeatOutcome>('reserve_seats', (p) => sql`
  WITH wanted AS (
    SELECT * FROM unnest(${p.seatIds}::uuid[], ${p.ticketIds}::uuid[], ${p.historyIds}::uuid[]) AS w (seat_id, ticket_id, history_id)
  ), locked AS (
    SELECT s.id, s.status, s.price_cents
    FROM seats s JOIN events e ON e.id = s.event_id AND e.is_seated_event
    WHERE s.event_id = ${p.eventId}::uuid AND s.id = ANY (${p.seatIds}::uuid[])
    ORDER BY s.id
    FOR UPDATE OF s
  ), all_available AS (
    SELECT count(*) = (SELECT count(*) FROM wanted) AND bool_and(status = 'available')
      AND coalesce(statement_timestamp() < ${p.holdExpiresAt}::timestamptz, true) AS ok
    FROM locked
  ), reserved AS (
    UPDATE seats SET status = 'reserved', updated_at = ${p.now}::timestamptz, version = version + 1
    WHERE id IN (SELECT id FROM locked) AND (SELECT ok FROM all_available)
    RETURNING id, price_cents
  ), inserted AS (
    INSERT INTO tickets (id, event_id, seat_id, user_id, status, price_cents, reserved_until, hold_id, created_at, updated_at)
    SELECT w.ticket_id, ${p.eventId}::uuid, w.seat_id, ${p.userId}::text, 'reserved', r.price_cents, ${p.reservedUntil}::timestamptz, ${p.holdId}::text, ${p.now}::timestamptz, ${p.now}::timestamptz
    FROM wanted w JOIN reserved r ON r.id = w.seat_id
    RETURNING id
  ), history AS (
    INSERT INTO ticket_history (id, ticket_id, from_status, to_status, actor, reason, at)
    SELECT w.history_id, i.id, NULL, 'reserved', ${p.userId}::text, 'purchase', ${p.now}::timestamptz
    FROM wanted w JOIN inserted i ON i.id = w.ticket_id
  )
  SELECT l.id AS seat_id, l.status, l.price_cents, coalesce((SELECT ok FROM all_available), false) AS reserved FROM locked l`);

/**
 * Standing places: only if they fit by the event's live-ticket counter, inserts the tickets and their
 * history and, given `markSpentUntil`, marks the hold bought (a second purchase of it fails on
 * `hold_purchases_pkey`). 0 when they do not fit, or the event is unknown or seated. The counter is read,
 * not locked: the capacity trigger moves it and decides at commit (migration 0003), so a buyer racing
 * another for the last places can still lose there.
 */
export const reservePlacesStatement = prepare<Purchase & { markSpentUntil: Date | null }, { reserved: number }>('reserve_places', (p) => sql`
  WITH wanted AS (
    SELECT * FROM unnest(${p.ticketIds}::uuid[], ${p.historyIds}::uuid[]) AS w (ticket_id, history_id)
  ), room AS (
    SELECT c.event_id
    FROM event_live_tickets c JOIN events e ON e.id = c.event_id
    WHERE c.event_id = ${p.eventId}::uuid AND NOT e.is_seated_event AND c.live + (SELECT count(*) FROM wanted) <= coalesce(e.total_tickets, 0)
      AND coalesce(statement_timestamp() < ${p.holdExpiresAt}::timestamptz, true)
  ), inserted AS (
    INSERT INTO tickets (id, event_id, seat_id, user_id, status, price_cents, reserved_until, hold_id, created_at, updated_at)
    SELECT w.ticket_id, r.event_id, NULL, ${p.userId}::text, 'reserved', 0, ${p.reservedUntil}::timestamptz, ${p.holdId}::text, ${p.now}::timestamptz, ${p.now}::timestamptz
    FROM wanted w CROSS JOIN room r
    RETURNING id
  ), history AS (
    INSERT INTO ticket_history (id, ticket_id, from_status, to_status, actor, reason, at)
    SELECT w.history_id, i.id, NULL, 'reserved', ${p.userId}::text, 'purchase', ${p.now}::timestamptz
    FROM wanted w JOIN inserted i ON i.id = w.ticket_id
  ), spent AS (
    INSERT INTO hold_purchases (hold_id, spent_until)
    SELECT ${p.holdId}::text, ${p.markSpentUntil}::timestamptz
    FROM room WHERE ${p.markSpentUntil}::timestamptz IS NOT NULL
  )
  SELECT count(*)::int AS reserved FROM inserted`);

/** One ticket's move in a `transitionStatement` batch. */
export interface TransitionWanted {
  ticketId: string;
  to: TicketStatus;
  /** The statuses `to` may be reached from (the domain's TRANSITIONS). */
  from: TicketStatus[];
  seatTo: StoredSeatStatus;
  /** Null: whoever owns the ticket (an admin acting). */
  ownerId: string | null;
  actor: string;
  reason: string;
  now: Date;
  historyId: string;
}

/**
 * The common case of transitions, for several distinct tickets at once: locks them in id order (the lateral
 * lookups run in the order of the sorted ids) and moves each one only if its status is one of its `from`,
 * it is not due and it belongs to its owner, moving its seat from the status its ticket implied to `seatTo`
 * and appending its history row. A row per ticket moved. A seat not where its ticket says is a bug: the
 * statement raises instead of committing half a transition.
 */
export const transitionStatement = prepare<
  { [K in keyof TransitionWanted as `${K}s`]: Array<K extends 'from' ? string : TransitionWanted[K]> },
  TicketRow & { seatChecked: null }
>('transition_tickets', (p) => sql`
  WITH wanted AS (
    SELECT * FROM unnest(
      ${p.ticketIds}::uuid[], ${p.tos}::text[], ${p.froms}::text[], ${p.seatTos}::text[], ${p.ownerIds}::text[],
      ${p.actors}::text[], ${p.reasons}::text[], ${p.nows}::timestamptz[], ${p.historyIds}::uuid[]
    ) AS w (ticket_id, to_status, from_statuses, seat_to, owner_id, actor, reason, now, history_id)
  ), cur AS (
    SELECT t.id, t.status, t.reserved_until, t.user_id, w.*
    FROM (SELECT * FROM wanted ORDER BY ticket_id) w
    CROSS JOIN LATERAL (SELECT id, status, reserved_until, user_id FROM tickets WHERE id = w.ticket_id FOR UPDATE) t
  ), moved AS (
    UPDATE tickets t SET status = c.to_status, updated_at = c.now, version = t.version + 1
    FROM cur c
    WHERE t.id = c.id
      AND c.status = ANY (string_to_array(c.from_statuses, ','))
      AND NOT (c.status = 'reserved' AND c.reserved_until <= c.now)
      AND (c.owner_id IS NULL OR c.user_id = c.owner_id)
    RETURNING t.id, t.event_id, t.seat_id, t.user_id, t.status, t.price_cents, t.reserved_until, t.hold_id, t.created_at, t.updated_at, t.version,
      c.status AS from_status,
      CASE WHEN c.status IN ('reserved', 'sold') THEN c.status ELSE 'available' END AS seat_from,
      c.seat_to, c.actor, c.reason, c.now AS at, c.history_id
  ), seat AS (
    UPDATE seats s SET status = m.seat_to, updated_at = m.at, version = s.version + 1
    FROM moved m
    WHERE s.id = m.seat_id AND s.status = m.seat_from AND m.seat_from <> m.seat_to
    RETURNING s.id
  ), history AS (
    INSERT INTO ticket_history (id, ticket_id, from_status, to_status, actor, reason, at)
    SELECT m.history_id, m.id, m.from_status, m.status, m.actor, m.reason, m.at FROM moved m
  )
  SELECT m.id, m.event_id, m.seat_id, m.user_id, m.status, m.price_cents, m.reserved_until, m.hold_id, m.created_at, m.updated_at, m.version,
    CASE WHEN m.seat_id IS NOT NULL AND m.seat_from <> m.seat_to AND NOT EXISTS (SELECT 1 FROM seat WHERE seat.id = m.seat_id)
      THEN raise_invariant_violation('seat ' || m.seat_id || ' is not ' || m.seat_from || ' as ticket ' || m.id || ' says') END AS seat_checked
  FROM moved m`);

/** An event's kept live-standing count (migration 0003); no row for an unknown event. */
export const liveStandingStatement = prepare<{ eventId: string }, { live: number }>('live_standing', (p) => sql`
  SELECT live FROM event_live_tickets WHERE event_id = ${p.eventId}::uuid`);
