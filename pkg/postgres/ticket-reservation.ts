import { sql, type Kysely, type Transaction } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/domain/errors';
import { newId } from '../../lib/domain/id';
import type { Ticket } from '../../lib/domain/ticket';
import type { ReservationRequest } from '../../lib/repository/ticket-repository';
import type { Database } from './tables';
import { reservePlacesStatement, reserveSeatsStatement, type SeatOutcome } from './ticket-statements';
import { expireDueIn, seatUnavailable, soldOut } from './ticket-writes';
import { spendHold, spentUntilOf } from './hold-purchases';

// A purchase: one statement when it succeeds, committed on its own (`reserveAtOnce`, or with the other
// purchases of its turn, purchase-batch.ts). Only when it does not
// (a seat taken, no room left, or a bad request) do we look at why, in a transaction: a lapsed reservation
// in the way is expired and the statement tried once more, so it never blocks until the sweeper comes by;
// otherwise the error says why.

type Tx = Transaction<Database>;

function newTickets(request: ReservationRequest, count: number) {
  const ticketIds = Array.from({ length: count }, () => newId());
  const historyIds = Array.from({ length: count }, () => newId());
  const { eventId, userId, holdId, now, reservedUntil } = request;
  return { eventId, userId, holdId, holdExpiresAt: request.holdExpiresAt ?? null, now, reservedUntil, ticketIds, historyIds };
}

/** The `reserved` ticket a purchase's statement inserted. */
export function reservedTicket(request: ReservationRequest, id: string, seatId: string | null, priceCents: number): Ticket {
  const { eventId, userId, holdId, now, reservedUntil } = request;
  return { id, eventId, seatId, userId, status: 'reserved', priceCents, reservedUntil, holdId, createdAt: now, updatedAt: now, version: 0 };
}

/** By the database's clock, as the statements judge it: a purchase reaching it after its hold lapsed is refused. */
async function assertHoldLive(tx: Tx, request: ReservationRequest): Promise<void> {
  if (request.holdExpiresAt === undefined) return;
  const { rows } = await sql<{ lapsed: boolean }>`SELECT statement_timestamp() >= ${request.holdExpiresAt} AS lapsed`.execute(tx);
  if (rows[0]!.lapsed) throw new ConflictError('hold-expired', 'The hold expired before the purchase reached the database; hold the seats again.');
}

/** Throws what the old step-by-step purchase said for an unknown event or a request of the wrong kind. */
async function assertEventKind(tx: Tx, eventId: string, seated: boolean): Promise<void> {
  const event = await tx.selectFrom('events').select('isSeatedEvent').where('id', '=', eventId).executeTakeFirst();
  if (!event) throw new NotFoundError('Event', eventId);
  if (event.isSeatedEvent && !seated) throw ValidationError.field('seat_ids', 'a seated event is bought by seat');
  if (!event.isSeatedEvent && seated) throw ValidationError.field('seat_ids', 'a standing event has no seats; ask for a quantity');
}

const allReserved = (outcome: SeatOutcome[], wanted: number) => outcome.length === wanted && outcome.every((seat) => seat.reserved);

function seatTickets(request: ReservationRequest, seatIds: string[], ticketIds: string[], outcome: SeatOutcome[]): Ticket[] {
  const prices = new Map(outcome.map((seat) => [seat.seatId, seat.priceCents]));
  return seatIds.map((seatId, i) => reservedTicket(request, ticketIds[i]!, seatId, prices.get(seatId)!));
}

/**
 * The plain success as one statement outside any transaction (it is atomic alone, and BEGIN and COMMIT
 * would be two more round trips): the tickets, or null when it changed nothing and `reserveSeats` /
 * `reservePlaces` must find out why. A standing purchase can still lose the last places at its commit.
 */
export async function reserveAtOnce(db: Kysely<Database>, request: ReservationRequest): Promise<Ticket[] | null> {
  if (request.seatIds.length === 0) {
    if (!Number.isInteger(request.quantity) || request.quantity < 1) return null;
    const params = newTickets(request, request.quantity);
    const reserved = (await reservePlacesStatement(db, { ...params, markSpentUntil: spentUntilOf(request) })).rows[0]?.reserved ?? 0;
    return reserved === 0 ? null : params.ticketIds.map((id) => reservedTicket(request, id, null, 0));
  }
  const seatIds = [...new Set(request.seatIds)];
  const params = { ...newTickets(request, seatIds.length), seatIds };
  const outcome = (await reserveSeatsStatement(db, params)).rows;
  return allReserved(outcome, seatIds.length) ? seatTickets(request, seatIds, params.ticketIds, outcome) : null;
}

/** The seats all together or none: an unknown seat is a 404, a taken one a 409 naming the taken seats. */
export async function reserveSeats(tx: Tx, request: ReservationRequest): Promise<Ticket[]> {
  await assertHoldLive(tx, request);
  const seatIds = [...new Set(request.seatIds)];
  const params = { ...newTickets(request, seatIds.length), seatIds };
  let outcome = (await reserveSeatsStatement(tx, params)).rows;
  if (!allReserved(outcome, seatIds.length)) {
    await assertEventKind(tx, request.eventId, true);
    // The statement holds every known seat's lock now, so what it expires nobody can take in between.
    const expired = await expireDueIn(tx, { seatIds }, request.now, { skipLocked: true });
    if (expired.length > 0) outcome = (await reserveSeatsStatement(tx, params)).rows;
    if (!allReserved(outcome, seatIds.length)) {
      const unknown = seatIds.find((id) => !outcome.some((seat) => seat.seatId === id));
      if (unknown) throw new NotFoundError('Seat', unknown);
      throw seatUnavailable(outcome.filter((seat) => seat.status !== 'available').map((seat) => seat.seatId));
    }
  }
  return seatTickets(request, seatIds, params.ticketIds, outcome);
}

/**
 * `quantity` places of a standing event, all or none. `expireFirst` when a first try lost the last places
 * at commit: lapsed reservations are expired before counting, not only when the count says no.
 */
export async function reservePlaces(tx: Tx, request: ReservationRequest, expireFirst = false): Promise<Ticket[]> {
  await assertHoldLive(tx, request);
  const { quantity } = request;
  if (!Number.isInteger(quantity) || quantity < 1) {
    await assertEventKind(tx, request.eventId, false);
    throw ValidationError.field('quantity', 'must be at least 1');
  }
  await spendHold(tx, request);
  if (expireFirst) await expireDueIn(tx, { standingEventId: request.eventId }, request.now, { skipLocked: true });
  // Marked above already.
  const params = { ...newTickets(request, quantity), markSpentUntil: null };
  let reserved = (await reservePlacesStatement(tx, params)).rows[0]?.reserved ?? 0;
  if (reserved === 0) {
    await assertEventKind(tx, request.eventId, false);
    const expired = await expireDueIn(tx, { standingEventId: request.eventId }, request.now, { skipLocked: true });
    if (expired.length > 0) reserved = (await reservePlacesStatement(tx, params)).rows[0]?.reserved ?? 0;
    if (reserved === 0) throw soldOut();
  }
  // Standing events have no price of their own yet: a place costs 0 until events carry one.
  return params.ticketIds.map((id) => reservedTicket(request, id, null, 0));
}
