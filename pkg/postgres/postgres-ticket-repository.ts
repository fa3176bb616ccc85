import { inject, injectable } from 'inversify';
import { sql, type Kysely } from 'kysely';
import { DomainError, NotFoundError, ValidationError } from '../../lib/domain/errors';
import { newId } from '../../lib/domain/id';
import type { Page, PageRequest } from '../../lib/domain/page';
import { EXPIRY_REASON, isDue, SYSTEM_ACTOR, type Ticket, type TicketHistoryEntry } from '../../lib/domain/ticket';
import type { ExpiredTicket, LiveCounts, ReservationRequest, TicketRepository, TransitionRequest } from '../../lib/repository/ticket-repository';
import { KYSELY } from './database';
import { guarded } from './errors';
import type { Database } from './tables';
import {
  appendHistory, applyTransition, expireDueIn, explainUnreserved, lockSeats, reserveSeats, TICKET_COLUMNS, ticketWriteError, toTicket,
} from './ticket-writes';

// Two API processes must not sweep at once; a transaction-scoped advisory lock is released by commit,
// rollback or a dropped connection, so a crashed sweeper never blocks the next one.
const SWEEP_LOCK = sql<number>`hashtext('onsale:ticket-expiry-sweep')`;

@injectable()
export class PostgresTicketRepository implements TicketRepository {
  constructor(@inject(KYSELY) private readonly db: Kysely<Database>) {}

  reserve(request: ReservationRequest, verify?: () => Promise<void>): Promise<Ticket[]> {
    const { eventId, userId, now } = request;
    return guarded(async () => {
      try {
        return await this.db.transaction().execute(async (tx) => {
          const event = await tx.selectFrom('events').select('isSeatedEvent').where('id', '=', eventId).executeTakeFirst();
          if (!event) throw new NotFoundError('Event', eventId);
          const base = { eventId, userId, status: 'reserved' as const, reservedUntil: request.reservedUntil, holdId: request.holdId, createdAt: now, updatedAt: now };
          let tickets: Ticket[];
          if (event.isSeatedEvent) {
            const seatIds = [...new Set(request.seatIds)];
            if (seatIds.length === 0) throw ValidationError.field('seat_ids', 'a seated event is bought by seat');
            // Every seat first, in id order, so that overlapping purchases queue rather than deadlock; then a
            // lapsed reservation on them must not block until the sweeper comes by.
            await lockSeats(tx, eventId, seatIds);
            await expireDueIn(tx, { seatIds }, now, { skipLocked: true });
            const seats = await reserveSeats(tx, eventId, seatIds, now);
            if (seats.length !== seatIds.length) await explainUnreserved(tx, eventId, seatIds, new Set(seats.map((s) => s.id)));
            const prices = new Map(seats.map((s) => [s.id, s.priceCents]));
            tickets = seatIds.map((seatId) => ({ ...base, id: newId(), seatId, priceCents: prices.get(seatId)!, version: 0 }));
          } else {
            if (request.seatIds.length > 0) throw ValidationError.field('seat_ids', 'a standing event has no seats; ask for a quantity');
            if (!Number.isInteger(request.quantity) || request.quantity < 1) throw ValidationError.field('quantity', 'must be at least 1');
            await expireDueIn(tx, { standingEventId: eventId }, now, { skipLocked: true });
            // Standing events have no price of their own yet: a place costs 0 until events carry one.
            tickets = Array.from({ length: request.quantity }, () => ({ ...base, id: newId(), seatId: null, priceCents: 0, version: 0 }));
          }
          // The capacity trigger and the one-live-ticket-per-seat index check this insert, whatever came before.
          await tx.insertInto('tickets').values(tickets.map(({ version: _v, ...row }) => row)).execute();
          await appendHistory(tx, tickets.map((t) => ({ ticketId: t.id, from: null, to: 'reserved', actor: userId, reason: 'purchase', at: now })));
          if (verify) await verify();
          return tickets;
        });
      } catch (error) {
        throw ticketWriteError(error);
      }
    });
  }

  findById(id: string): Promise<Ticket | null> {
    return guarded(async () => {
      const row = await this.db.selectFrom('tickets').select(TICKET_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? toTicket(row) : null;
    });
  }

  listByUser(userId: string, page: PageRequest): Promise<Page<Ticket>> {
    return guarded(async () => {
      let query = this.db.selectFrom('tickets').select(TICKET_COLUMNS).where('userId', '=', userId).orderBy('id').limit(page.limit + 1);
      if (page.cursor) query = query.where('id', '>', page.cursor);
      const rows = await query.execute();
      const items = rows.slice(0, page.limit).map(toTicket);
      return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.id : null };
    });
  }

  history(ticketId: string): Promise<TicketHistoryEntry[]> {
    return guarded(() =>
      this.db
        .selectFrom('ticketHistory')
        .select(['ticketId', 'fromStatus', 'toStatus', 'actor', 'reason', 'at'])
        .where('ticketId', '=', ticketId)
        // Ids are UUIDv7: their order is the order the rows were written, even within one millisecond.
        .orderBy('id')
        .execute(),
    );
  }

  transition(request: TransitionRequest): Promise<Ticket | null> {
    const { ticketId, now } = request;
    return guarded(async () => {
      let refusal: DomainError | null = null;
      const result = await this.db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('tickets').select(TICKET_COLUMNS).where('id', '=', ticketId).forUpdate().executeTakeFirst();
        if (!row) return null;
        let ticket = toTicket(row);
        if (isDue(ticket, now)) ticket = await applyTransition(tx, ticket, 'expired', SYSTEM_ACTOR, EXPIRY_REASON, now);
        try {
          return await applyTransition(tx, ticket, request.to, request.actor, request.reason, now);
        } catch (error) {
          // Refused by the domain before anything was written: commit the expiry above, then report.
          if (!(error instanceof DomainError)) throw error;
          refusal = error;
          return ticket;
        }
      });
      if (refusal) throw refusal;
      return result;
    });
  }

  expireDue(scope: { ticketIds: readonly string[] } | { userId: string }, now: Date): Promise<ExpiredTicket[]> {
    return guarded(() => this.db.transaction().execute((tx) => expireDueIn(tx, scope, now)));
  }

  sweepExpired(now: Date, limit: number): Promise<ExpiredTicket[] | null> {
    return guarded(() =>
      this.db.transaction().execute(async (tx) => {
        const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}) AS locked`.execute(tx);
        if (!rows[0]?.locked) return null;
        return expireDueIn(tx, { all: true }, now, { limit, skipLocked: true });
      }),
    );
  }

  countLive(eventId: string): Promise<LiveCounts> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('tickets')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .where('eventId', '=', eventId)
        .where('status', 'in', ['reserved', 'sold'])
        .groupBy('status')
        .execute();
      const counts: LiveCounts = { reserved: 0, sold: 0 };
      for (const row of rows) if (row.status === 'reserved' || row.status === 'sold') counts[row.status] = Number(row.count);
      return counts;
    });
  }
}
