import { sql, type Selectable, type Transaction } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/domain/errors';
import { newId } from '../../lib/domain/id';
import { EXPIRY_REASON, SYSTEM_ACTOR, seatStatusFor, transition, type Ticket, type TicketStatus } from '../../lib/domain/ticket';
import { FOREIGN_KEY_VIOLATION, pgConstraint, pgErrorCode, UNIQUE_VIOLATION } from './errors';
import type { Database, TicketTable } from './tables';
import type { ExpiredTicket } from '../../lib/repository/ticket-repository';

// Helpers that run inside a caller's transaction; the repository decides where transactions begin.

type Tx = Transaction<Database>;

export const TICKET_COLUMNS = [
  'id', 'eventId', 'seatId', 'userId', 'status', 'priceCents', 'reservedUntil', 'holdId', 'createdAt', 'updatedAt', 'version',
] as const;

/** A ticket row as selected (`version` may come back as a string). */
export type TicketRow = Pick<Selectable<TicketTable>, (typeof TICKET_COLUMNS)[number]>;

export function toTicket(row: TicketRow): Ticket {
  return { ...row, version: Number(row.version) };
}

export async function appendHistory(
  tx: Tx,
  entries: Array<{ ticketId: string; from: TicketStatus | null; to: TicketStatus; actor: string; reason: string | null; at: Date }>,
): Promise<void> {
  if (entries.length === 0) return;
  await tx
    .insertInto('ticketHistory')
    .values(entries.map((e) => ({ id: newId(), ticketId: e.ticketId, fromStatus: e.from, toStatus: e.to, actor: e.actor, reason: e.reason, at: e.at })))
    .execute();
}

/** Which due reservations an expiry pass may touch. */
export type ExpiryScope =
  | { ticketIds: readonly string[] }
  | { userId: string }
  | { seatIds: readonly string[] }
  | { standingEventId: string }
  | { all: true };

/**
 * Expires due reservations in `scope` and frees their seats, with history.
 *
 * No deadlocks, by construction: seats are always locked in id order; purchases (which already hold their
 * seats) and the sweeper pass `skipLocked`, leaving a reservation another transaction is changing to it, so
 * they never wait for a ticket; reads and transitions lock tickets first, holding no seat while they wait,
 * so what a read shows next is never a stale `reserved`.
 */
export async function expireDueIn(
  tx: Tx,
  scope: ExpiryScope,
  now: Date,
  options: { limit?: number; skipLocked?: boolean } = {},
): Promise<ExpiredTicket[]> {
  let due = tx
    .selectFrom('tickets')
    .select(['id', 'eventId', 'seatId'])
    .where('status', '=', 'reserved')
    .where('reservedUntil', '<=', now)
    .orderBy('id')
    .limit(options.limit ?? 1_000)
    .forUpdate();
  if (options.skipLocked) due = due.skipLocked();
  if ('ticketIds' in scope) {
    if (scope.ticketIds.length === 0) return [];
    due = due.where('id', 'in', [...scope.ticketIds]);
  } else if ('userId' in scope) due = due.where('userId', '=', scope.userId);
  else if ('seatIds' in scope) {
    if (scope.seatIds.length === 0) return [];
    due = due.where('seatId', 'in', [...scope.seatIds]);
  } else if ('standingEventId' in scope) due = due.where('eventId', '=', scope.standingEventId).where('seatId', 'is', null);
  const locked = await due.execute();
  if (locked.length === 0) return [];

  // Each standing place given back locks its event's counter row (the trigger). Two passes over several
  // events must take those in one order, or each could hold one and wait for the other's.
  const standingEvents = [...new Set(locked.flatMap((t) => (t.seatId === null ? [t.eventId] : [])))];
  if (standingEvents.length > 1) {
    await tx.selectFrom('eventLiveTickets').select('eventId').where('eventId', 'in', standingEvents).orderBy('eventId').forNoKeyUpdate().execute();
  }
  const expired = await tx
    .updateTable('tickets')
    .set({ status: 'expired', updatedAt: now, version: sql`version + 1` })
    .where('id', 'in', locked.map((t) => t.id))
    .where('status', '=', 'reserved')
    .returning(['id', 'eventId', 'seatId'])
    .execute();
  if (expired.length === 0) return [];
  const seatIds = expired.flatMap((t) => (t.seatId ? [t.seatId] : []));
  if (seatIds.length > 0) {
    await tx
      .updateTable('seats')
      .set({ status: 'available', updatedAt: now, version: sql`version + 1` })
      .where('id', 'in', tx.selectFrom('seats').select('id').where('id', 'in', seatIds).orderBy('id').forUpdate())
      .where('status', '=', 'reserved')
      .execute();
  }
  await appendHistory(tx, expired.map((t) => ({ ticketId: t.id, from: 'reserved', to: 'expired', actor: SYSTEM_ACTOR, reason: EXPIRY_REASON, at: now })));
  return expired;
}

export function seatUnavailable(seatIds: readonly string[]): ConflictError {
  return new ConflictError('seats-unavailable', 'A seat is already reserved or sold.', { extensions: { conflicting_seat_ids: seatIds } });
}

export function soldOut(): ConflictError {
  return new ConflictError('sold-out', 'Not enough tickets are left for this event.');
}

/** Applies one legal transition to a locked ticket: the ticket row, its seat and a history row. */
export async function applyTransition(tx: Tx, before: Ticket, to: TicketStatus, actor: string, reason: string, now: Date): Promise<Ticket> {
  const after = transition(before, to, now);
  const updated = await tx
    .updateTable('tickets')
    .set({ status: after.status, updatedAt: now, version: after.version })
    .where('id', '=', before.id)
    .where('version', '=', before.version)
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) throw new Error(`ticket ${before.id} changed under its row lock`);
  const seatFrom = seatStatusFor(before.status);
  const seatTo = seatStatusFor(after.status);
  if (before.seatId && seatFrom !== seatTo) {
    const seat = await tx
      .updateTable('seats')
      .set({ status: seatTo, updatedAt: now, version: sql`version + 1` })
      .where('id', '=', before.seatId)
      .where('status', '=', seatFrom)
      .executeTakeFirst();
    // Only tickets move seats out of `available`, and one live ticket per seat is enforced, so this is a bug.
    if (seat.numUpdatedRows !== 1n) throw new Error(`seat ${before.seatId} is not ${seatFrom} as ticket ${before.id} says`);
  }
  await appendHistory(tx, [{ ticketId: before.id, from: before.status, to: after.status, actor, reason, at: now }]);
  return after;
}

/** Turns what the database refused into domain errors; anything else passes through. */
export function ticketWriteError(error: unknown): unknown {
  const code = pgErrorCode(error);
  const constraint = pgConstraint(error);
  if (code === UNIQUE_VIOLATION && constraint === 'tickets_one_live_per_seat') return seatUnavailable([]);
  if (code === UNIQUE_VIOLATION && constraint === 'hold_purchases_pkey') return new ConflictError('hold-expired', 'This hold was already bought; its tickets are in your ticket list.');
  if (constraint === 'tickets_standing_capacity') return soldOut();
  if (constraint === 'tickets_seat_required') return ValidationError.field('seat_ids', 'a seated event is bought by seat');
  if (code === FOREIGN_KEY_VIOLATION) return new NotFoundError('Event or seat');
  // Should not happen (locks are taken in one order), but if it does the purchase changed nothing.
  if (code === '40P01') return new ConflictError('purchase-contention', 'Too many buyers at once; retry.', { retryAfterSeconds: 1 });
  return error;
}
