import { inject, injectable } from 'inversify';
import type { Kysely } from 'kysely';
import { ConflictError } from '../../lib/domain/errors';
import type { Page, PageRequest } from '../../lib/domain/page';
import type { Seat, SeatDraft, StoredSeatStatus } from '../../lib/domain/seat';
import { newId } from '../../lib/domain/id';
import type { SeatRepository } from '../../lib/repository/seat-repository';
import { KYSELY } from './database';
import { guarded, pgErrorCode, UNIQUE_VIOLATION } from './errors';
import type { Database } from './tables';

// 1,000 rows x 8 columns stays far below Postgres's 65,535 bind parameters per statement.
const INSERT_BATCH = 1_000;

const SEAT_COLUMNS = ['id', 'eventId', 'section', 'row', 'number', 'priceCents', 'category', 'status'] as const;

@injectable()
export class PostgresSeatRepository implements SeatRepository {
  constructor(@inject(KYSELY) private readonly db: Kysely<Database>) {}

  addMany(eventId: string, seats: SeatDraft[]): Promise<number> {
    return guarded(async () => {
      try {
        await this.db.transaction().execute(async (tx) => {
          for (let start = 0; start < seats.length; start += INSERT_BATCH) {
            const rows = seats.slice(start, start + INSERT_BATCH).map((seat) => ({
              id: newId(),
              eventId,
              section: seat.section,
              row: seat.row,
              number: seat.number,
              priceCents: seat.priceCents,
              category: seat.category,
              status: 'available' as const,
            }));
            await tx.insertInto('seats').values(rows).execute();
          }
        });
      } catch (error) {
        if (pgErrorCode(error) === UNIQUE_VIOLATION) {
          throw new ConflictError('duplicate-seat', 'A seat with the same section, row and number already exists for this event.');
        }
        throw error;
      }
      return seats.length;
    });
  }

  list(eventId: string, page: PageRequest, status?: StoredSeatStatus): Promise<Page<Seat>> {
    return guarded(async () => {
      let query = this.db
        .selectFrom('seats')
        .select(SEAT_COLUMNS)
        .where('eventId', '=', eventId)
        .orderBy('id')
        .limit(page.limit + 1);
      if (status) query = query.where('status', '=', status);
      if (page.cursor) query = query.where('id', '>', page.cursor);
      const rows = await query.execute();
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.id : null };
    });
  }

  findById(eventId: string, seatId: string): Promise<Seat | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('seats')
        .select(SEAT_COLUMNS)
        .where('eventId', '=', eventId)
        .where('id', '=', seatId)
        .executeTakeFirst();
      return row ?? null;
    });
  }

  findMany(eventId: string, seatIds: readonly string[]): Promise<Seat[]> {
    if (seatIds.length === 0) return Promise.resolve([]);
    return guarded(() =>
      this.db
        .selectFrom('seats')
        .select(SEAT_COLUMNS)
        .where('eventId', '=', eventId)
        .where('id', 'in', [...seatIds])
        .execute(),
    );
  }

  statuses(eventId: string): Promise<Map<string, StoredSeatStatus>> {
    return guarded(async () => {
      const rows = await this.db.selectFrom('seats').select(['id', 'status']).where('eventId', '=', eventId).execute();
      return new Map(rows.map((row) => [row.id, row.status]));
    });
  }

  countByStatus(eventId: string): Promise<Record<StoredSeatStatus, number>> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('seats')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .where('eventId', '=', eventId)
        .groupBy('status')
        .execute();
      const counts: Record<StoredSeatStatus, number> = { available: 0, reserved: 0, sold: 0 };
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    });
  }
}
