import { inject, injectable } from 'inversify';
import { sql, type Kysely } from 'kysely';
import { DomainError } from '../../lib/domain/errors';
import { newId } from '../../lib/domain/id';
import type { Page, PageRequest } from '../../lib/domain/page';
import { EXPIRY_REASON, isDue, seatStatusFor, sourcesOf, SYSTEM_ACTOR, type Ticket, type TicketHistoryEntry } from '../../lib/domain/ticket';
import type { ExpiredTicket, LiveCounts, ReservationRequest, TicketRepository, TransitionRequest } from '../../lib/repository/ticket-repository';
import { KYSELY } from './database';
import { guarded, isUnavailable, pgConstraint } from './errors';
import type { Database } from './tables';
import { reservePlaces, reserveSeats } from './ticket-reservation';
import { reserveBatch, type BatchOutcome } from './purchase-batch';
import { Batch } from '../system/batch';
import { liveStandingStatement, transitionStatement, type TransitionWanted } from './ticket-statements';
import { applyTransition, expireDueIn, TICKET_COLUMNS, ticketWriteError, toTicket } from './ticket-writes';

// Two API processes must not sweep at once; a transaction-scoped advisory lock is released by commit,
// rollback or a dropped connection, so a crashed sweeper never blocks the next one.
const SWEEP_LOCK = sql<number>`hashtext('onsale:ticket-expiry-sweep')`;
// Lapsed hold_purchases rows deleted per sweep: a second's standing purchases at a flash sale's rate, many times over.
const SPENT_PURGE_LIMIT = 10_000;

@injectable()
export class PostgresTicketRepository implements TicketRepository {
  // Confirms reach this step in bursts: the ones of one turn of the event loop go as one statement.
  private readonly transitions = new Batch<TransitionWanted, Ticket | null>((wanted) => this.transitionBatch(wanted), isUnavailable);
  // Purchases come in rushes: the ones of one turn go as one statement for seats and one for places.
  private readonly purchases = new Batch<ReservationRequest, BatchOutcome>((requests) => reserveBatch(this.db, requests), isUnavailable);
  // Every standing hold reads its event's counter; in a rush most of one turn's holds are for one event.
  private readonly liveReads = new Batch<string, number>((eventIds) => this.readLive(eventIds), isUnavailable);

  constructor(@inject(KYSELY) private readonly db: Kysely<Database>) {}

  reserve(request: ReservationRequest): Promise<Ticket[]> {
    const seated = request.seatIds.length > 0;
    const explained = (expireFirst: boolean) =>
      this.db.transaction().execute((tx) => (seated ? reserveSeats(tx, request) : reservePlaces(tx, request, expireFirst)));
    return guarded(async () => {
      try {
        try {
          // The capacity trigger and the one-live-ticket-per-seat index check these inserts, whatever came before.
          const outcome = await this.purchases.add(request);
          if ('error' in outcome) throw outcome.error;
          return outcome.tickets ?? (await explained(false));
        } catch (error) {
          // Standing capacity is settled at commit: a buyer who lost the last places there tries once more,
          // expiring lapsed reservations first, so that one never blocks a purchase.
          if (pgConstraint(error) !== 'tickets_standing_capacity' || seated) throw error;
          return await explained(true);
        }
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

  listByHold(holdId: string, userId: string): Promise<Ticket[]> {
    return guarded(async () => {
      const rows = await this.db.selectFrom('tickets').select(TICKET_COLUMNS).where('holdId', '=', holdId).where('userId', '=', userId).orderBy('id').execute();
      return rows.map(toTicket);
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

  tryTransition(request: TransitionRequest, ownerId: string | null): Promise<Ticket | null> {
    const { ticketId, to, actor, reason, now } = request;
    return guarded(() => this.transitions.add({ ticketId, to, from: sourcesOf(to), seatTo: seatStatusFor(to), ownerId, actor, reason, now, historyId: newId() }));
  }

  /** A ticket asked for twice in one batch moves for its first asker only; the other takes the slow path. */
  private async transitionBatch(wanted: TransitionWanted[]): Promise<Array<Ticket | null>> {
    const first = new Map<string, TransitionWanted>();
    for (const w of wanted) if (!first.has(w.ticketId)) first.set(w.ticketId, w);
    const batch = [...first.values()];
    const { rows } = await transitionStatement(this.db, {
      ticketIds: batch.map((w) => w.ticketId),
      tos: batch.map((w) => w.to),
      froms: batch.map((w) => w.from.join(',')),
      seatTos: batch.map((w) => w.seatTo),
      ownerIds: batch.map((w) => w.ownerId),
      actors: batch.map((w) => w.actor),
      reasons: batch.map((w) => w.reason),
      nows: batch.map((w) => w.now),
      historyIds: batch.map((w) => w.historyId),
    });
    const moved = new Map(rows.map((row) => [row.id, row]));
    return wanted.map((w) => {
      const row = first.get(w.ticketId) === w ? moved.get(w.ticketId) : undefined;
      if (!row) return null;
      const { seatChecked: _checked, ...ticket } = row;
      return toTicket(ticket);
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
        // By the database's clock, which is the one the purchase statements judge a hold's expiry by. Bounded,
        // so the delete stays well inside the statement deadline; a backlog (after an outage) drains over runs.
        await tx
          .deleteFrom('holdPurchases')
          .where('holdId', 'in', (eb) => eb.selectFrom('holdPurchases').select('holdId').where('spentUntil', '<', sql<Date>`statement_timestamp()`).limit(SPENT_PURGE_LIMIT))
          .execute();
        return expireDueIn(tx, { all: true }, now, { limit, skipLocked: true });
      }),
    );
  }

  countLiveStanding(eventId: string): Promise<number> {
    return guarded(() => this.liveReads.add(eventId));
  }

  /** One read per distinct event of the batch: a read that began before a caller asked never answers it. */
  private async readLive(eventIds: string[]): Promise<number[]> {
    const live = new Map<string, number>();
    await Promise.all(
      [...new Set(eventIds)].map(async (eventId) => live.set(eventId, (await liveStandingStatement(this.db, { eventId })).rows[0]?.live ?? 0)),
    );
    return eventIds.map((eventId) => live.get(eventId)!);
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
