import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { newId } from '../lib/domain/id';
import type { Ticket } from '../lib/domain/ticket';
import { anEvent } from '../lib/repository/event-repository.contract';
import { migrations } from '../migrations';
import { openPostgres, type DatabaseHandle } from '../pkg/postgres/database';
import { migrateToLatest } from '../pkg/postgres/migrate';
import { PostgresEventRepository } from '../pkg/postgres/postgres-event-repository';
import { PostgresTicketRepository } from '../pkg/postgres/postgres-ticket-repository';
import { scratchDatabase, testDatabases } from './support/databases';

const MINUTE = 60_000;

/** The kept counter next to what it stands for, counted the slow way. */
async function counts(db: Kysely<any>, eventId: string): Promise<{ kept: number; counted: number }> {
  const { rows } = await sql<{ kept: number; counted: number }>`
    SELECT (SELECT live FROM event_live_tickets WHERE event_id = ${eventId}) AS kept,
           (SELECT count(*)::int FROM tickets WHERE event_id = ${eventId} AND seat_id IS NULL AND status IN ('reserved', 'sold')) AS counted`.execute(db);
  return rows[0]!;
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: { code?: string; constraint?: string }) => `${e.code}:${e.constraint}`);

describe.each(testDatabases())('the live standing ticket counter on $name', (database) => {
  let handle: DatabaseHandle;
  let tickets: PostgresTicketRepository;
  beforeAll(async () => {
    handle = await database.open();
    tickets = new PostgresTicketRepository(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function standingEvent(capacity: number): Promise<string> {
    const event = anEvent({ isSeatedEvent: false, totalTickets: capacity });
    await new PostgresEventRepository(handle.db).create(event);
    return event.id;
  }

  const buy = (eventId: string, quantity: number, reservedUntil = new Date(Date.now() + 10 * MINUTE)) =>
    tickets.reserve({ eventId, userId: `u-${newId()}`, seatIds: [], quantity, holdId: null, now: new Date(), reservedUntil });

  it('stays equal to the live tickets through concurrent purchases, confirms, cancels and expiry', async () => {
    const eventId = await standingEvent(25);
    // Some lapse at once, so that expiry (on purchase, by ticket, by sweep) gives places back mid-storm.
    const first = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => buy(eventId, 1 + (i % 2), i % 3 === 0 ? new Date(Date.now() - 1) : undefined)));
    const bought = first.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(bought.length).toBeGreaterThan(0);
    const move = (ticket: Ticket, to: Ticket['status']) => ({ ticketId: ticket.id, to, actor: 'x', reason: 'x', now: new Date() });
    const storm = await Promise.allSettled([
      ...bought.map((ticket, i) => {
        if (i % 4 === 0) return tickets.tryTransition(move(ticket, 'sold'), ticket.userId);
        if (i % 4 === 1) return tickets.transition(move(ticket, 'cancelled'));
        if (i % 4 === 2) return tickets.expireDue({ ticketIds: [ticket.id] }, new Date(Date.now() + 60 * MINUTE));
        return tickets.tryTransition(move(ticket, 'cancelled'), null);
      }),
      ...Array.from({ length: 20 }, () => buy(eventId, 1)),
      tickets.sweepExpired(new Date(), 1_000),
    ]);
    // Refusals (sold out, a due ticket that cannot be sold) are expected; nothing else may fail.
    const failures = storm.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    expect(failures.every((code) => code === 'sold-out' || code === 'ticket-expired')).toBe(true);
    const { kept, counted } = await counts(handle.db, eventId);
    expect(kept).toBe(counted);
    expect(kept).toBeLessThanOrEqual(25);
  });

  it('a confirm keeps the place; a lapsed reservation gives it back to the next buyer', async () => {
    const eventId = await standingEvent(2);
    const [lapsing] = await buy(eventId, 1, new Date(Date.now() - 1));
    const [kept] = await buy(eventId, 1);
    await tickets.tryTransition({ ticketId: kept!.id, to: 'sold', actor: 'x', reason: 'x', now: new Date() }, kept!.userId);
    expect(await counts(handle.db, eventId)).toEqual({ kept: 2, counted: 2 });
    await buy(eventId, 1);
    expect((await tickets.findById(lapsing!.id))?.status).toBe('expired');
    expect(await counts(handle.db, eventId)).toEqual({ kept: 2, counted: 2 });
    await expect(buy(eventId, 1)).rejects.toMatchObject({ code: 'sold-out' });
  });

  it('reads asked for in one turn answer each event its own count', async () => {
    const [one, two] = [await standingEvent(5), await standingEvent(5)];
    await buy(one, 1);
    await buy(two, 2);
    const reads = [one, two, one, newId(), two].map((eventId) => tickets.countLiveStanding(eventId));
    expect(await Promise.all(reads)).toEqual([1, 2, 1, 0, 2]);
    // A read asked for after a purchase sees it, however many reads came before.
    await buy(one, 1);
    expect(await Promise.all([tickets.countLiveStanding(one), tickets.countLiveStanding(two)])).toEqual([2, 2]);
  });

  it('counts writes by hand too: a revive is counted and capacity-checked, a delete gives the place back', async () => {
    const eventId = await standingEvent(1);
    const [cancelled] = await buy(eventId, 1);
    await tickets.transition({ ticketId: cancelled!.id, to: 'cancelled', actor: 'x', reason: 'x', now: new Date() });
    const [live] = await buy(eventId, 1);
    expect(await codeOf(sql`UPDATE tickets SET status = 'reserved' WHERE id = ${cancelled!.id}`.execute(handle.db))).toBe('23514:tickets_standing_capacity');
    // A ticket with history cannot be deleted (append-only trail); one inserted by hand without history can.
    const byHand = newId();
    await sql`UPDATE tickets SET status = 'expired' WHERE id = ${live!.id}`.execute(handle.db);
    await sql`INSERT INTO tickets (id, event_id, user_id, status, price_cents, reserved_until) VALUES (${byHand}, ${eventId}, 'raw', 'reserved', 0, now())`.execute(handle.db);
    expect(await counts(handle.db, eventId)).toEqual({ kept: 1, counted: 1 });
    await sql`DELETE FROM tickets WHERE id = ${byHand}`.execute(handle.db);
    expect(await counts(handle.db, eventId)).toEqual({ kept: 0, counted: 0 });
  });
});

describe('migration 0003', () => {
  it('counts the live standing tickets that exist when it runs', async () => {
    const scratch = await scratchDatabase();
    const handle = scratch ? openPostgres(scratch.url) : await testDatabases()[0]!.open();
    try {
      const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
      const down = await migrator.migrateTo('0002_tickets');
      if (down.error) throw down.error;
      const event = anEvent({ isSeatedEvent: false, totalTickets: 10 });
      await sql`INSERT INTO events (id, name, venue, start_time, end_time, is_seated_event, total_tickets)
                VALUES (${event.id}, 'e', 'v', ${event.startTime}, ${event.endTime}, false, 10)`.execute(handle.db);
      for (const status of ['reserved', 'sold', 'sold', 'cancelled', 'expired']) {
        await sql`INSERT INTO tickets (id, event_id, user_id, status, price_cents, reserved_until) VALUES (${newId()}, ${event.id}, 'raw', ${status}, 0, now())`.execute(handle.db);
      }
      await migrateToLatest(handle.db);
      expect(await counts(handle.db, event.id)).toEqual({ kept: 3, counted: 3 });
    } finally {
      await handle.close();
      await scratch?.drop();
    }
  });
});
