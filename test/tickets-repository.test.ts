import { sql } from 'kysely';
import { newId } from '../lib/domain/id';
import { anEvent } from '../lib/repository/event-repository.contract';
import { ticketRepositoryContract } from '../lib/repository/ticket-repository.contract';
import { openPostgres, type DatabaseHandle } from '../pkg/postgres/database';
import { migrateToLatest } from '../pkg/postgres/migrate';
import { PREPARED_STATEMENT_NAMES } from '../pkg/postgres/prepared';
import { PostgresEventRepository } from '../pkg/postgres/postgres-event-repository';
import { PostgresSeatRepository } from '../pkg/postgres/postgres-seat-repository';
import { PostgresTicketRepository } from '../pkg/postgres/postgres-ticket-repository';
import { scratchDatabase, testDatabases } from './support/databases';

describe.each(testDatabases())('tickets on $name', (database) => {
  describe('TicketRepository contract', () => {
    ticketRepositoryContract(async () => {
      const handle = await database.open();
      return {
        tickets: new PostgresTicketRepository(handle.db),
        events: new PostgresEventRepository(handle.db),
        seats: new PostgresSeatRepository(handle.db),
        close: handle.close,
      };
    });
  });

  // Raw SQL, no repository: the schema alone refuses a second live ticket per seat and standing overselling.
  describe('the schema itself', () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await database.open();
    });
    afterAll(async () => {
      await handle?.close();
    });

    async function insertTicket(eventId: string, seatId: string | null, status = 'reserved') {
      await sql`INSERT INTO tickets (id, event_id, seat_id, user_id, status, price_cents, reserved_until)
                VALUES (${newId()}, ${eventId}, ${seatId}, 'raw', ${status}, 0, now() + interval '10 minutes')`.execute(handle.db);
    }
    const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: { code?: string; constraint?: string }) => `${e.code}:${e.constraint}`);

    it('one live ticket per seat; dead tickets do not count', async () => {
      const event = anEvent();
      await new PostgresEventRepository(handle.db).create(event);
      await new PostgresSeatRepository(handle.db).addMany(event.id, [{ section: 'A', row: '1', number: '1', priceCents: 0, category: null }]);
      const seatId = (await handle.db.selectFrom('seats').select('id').where('eventId', '=', event.id).executeTakeFirstOrThrow()).id;
      await insertTicket(event.id, seatId, 'cancelled');
      await insertTicket(event.id, seatId, 'expired');
      await insertTicket(event.id, seatId, 'reserved');
      expect(await codeOf(insertTicket(event.id, seatId, 'sold'))).toBe('23505:tickets_one_live_per_seat');
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => codeOf(insertTicket(event.id, seatId))));
      expect(concurrent).toEqual(Array(10).fill('23505:tickets_one_live_per_seat'));
    });

    it('standing capacity holds for concurrent single inserts', async () => {
      const event = anEvent({ isSeatedEvent: false, totalTickets: 4 });
      await new PostgresEventRepository(handle.db).create(event);
      const results = await Promise.all(Array.from({ length: 12 }, () => codeOf(insertTicket(event.id, null))));
      expect(results.filter((r) => r === 'ok')).toHaveLength(4);
      expect(results.filter((r) => r === '23514:tickets_standing_capacity')).toHaveLength(8);
    });

    it('a seated event refuses seatless tickets; history is append-only; events with tickets cannot be deleted', async () => {
      const event = anEvent();
      await new PostgresEventRepository(handle.db).create(event);
      expect(await codeOf(insertTicket(event.id, null))).toBe('23514:tickets_seat_required');
      const standing = anEvent({ isSeatedEvent: false, totalTickets: 1 });
      await new PostgresEventRepository(handle.db).create(standing);
      await insertTicket(standing.id, null);
      await expect(new PostgresEventRepository(handle.db).delete(standing.id)).rejects.toMatchObject({ code: 'event-has-tickets' });
      const ticketId = (await handle.db.selectFrom('tickets').select('id').where('eventId', '=', standing.id).executeTakeFirstOrThrow()).id;
      await sql`INSERT INTO ticket_history (id, ticket_id, to_status, actor) VALUES (${newId()}, ${ticketId}, 'reserved', 'raw')`.execute(handle.db);
      expect(await codeOf(sql`UPDATE ticket_history SET actor = 'forged' WHERE ticket_id = ${ticketId}`.execute(handle.db))).toBe('23001:undefined');
      expect(await codeOf(sql`DELETE FROM ticket_history WHERE ticket_id = ${ticketId}`.execute(handle.db))).toBe('23001:undefined');
    });

    it('a transition whose seat is not where its ticket says commits nothing', async () => {
      const event = anEvent();
      await new PostgresEventRepository(handle.db).create(event);
      await new PostgresSeatRepository(handle.db).addMany(event.id, [{ section: 'A', row: '1', number: '1', priceCents: 0, category: null }]);
      const seatId = (await handle.db.selectFrom('seats').select('id').where('eventId', '=', event.id).executeTakeFirstOrThrow()).id;
      const repository = new PostgresTicketRepository(handle.db);
      const now = new Date();
      const [ticket] = await repository.reserve({ eventId: event.id, userId: 'u', seatIds: [seatId], quantity: 1, holdId: null, now, reservedUntil: new Date(now.getTime() + 600_000) });
      // Corrupted by hand: the seat claims to be free while its ticket is reserved.
      await sql`UPDATE seats SET status = 'available' WHERE id = ${seatId}`.execute(handle.db);
      await expect(repository.tryTransition({ ticketId: ticket!.id, to: 'sold', actor: 'u', reason: 'pay', now }, 'u')).rejects.toMatchObject({ code: 'XX000' });
      expect(await repository.findById(ticket!.id)).toEqual(ticket);
      expect(await repository.history(ticket!.id)).toHaveLength(1);
    });

    // PGlite is one connection: a second transaction there would wait for the first, not race it.
    (database.name === 'postgres' ? it : it.skip)('only one sweeper at a time: a second one backs off while the lock is held', async () => {
      const repository = new PostgresTicketRepository(handle.db);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const holder = handle.db.transaction().execute(async (tx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext('onsale:ticket-expiry-sweep'))`.execute(tx);
        locked();
        await held;
      });
      await lockTaken;
      expect(await repository.sweepExpired(new Date(), 10)).toBeNull();
      release();
      await holder;
      // Other test apps' sweepers share this database and lock; the point is that it is free again.
      let swept: unknown[] | null = null;
      for (let attempt = 0; attempt < 100 && swept === null; attempt++) {
        swept = await repository.sweepExpired(new Date(), 10);
        if (swept === null) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(swept).toEqual(expect.any(Array));
    });

    (database.name === 'postgres' ? it : it.skip)('a second purchase of a hold whose first is still committing waits for it, then gets hold-expired, even when it expired a lapsed reservation', async () => {
      const repository = new PostgresTicketRepository(handle.db);
      const event = anEvent({ isSeatedEvent: false, totalTickets: 2 });
      await new PostgresEventRepository(handle.db).create(event);
      // A reservation past its payment window: the second purchase's explained path expires it.
      await sql`INSERT INTO tickets (id, event_id, user_id, status, price_cents, reserved_until) VALUES (${newId()}, ${event.id}, 'raw', 'reserved', 0, now() - interval '1 minute')`.execute(handle.db);
      const holdId = `h-${newId()}`;
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      let inserted!: () => void;
      const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
      // The first purchase, as its statement leaves things just before its commit: a ticket and the hold's row.
      const first = handle.db.transaction().execute(async (tx) => {
        await sql`INSERT INTO tickets (id, event_id, user_id, status, price_cents, reserved_until, hold_id) VALUES (${newId()}, ${event.id}, 'carol', 'reserved', 0, now() + interval '10 minutes', ${holdId})`.execute(tx);
        await sql`INSERT INTO hold_purchases (hold_id, spent_until) VALUES (${holdId}, now() + interval '1 hour')`.execute(tx);
        inserted();
        await committing;
      });
      await firstInserted;
      const now = new Date();
      const second = repository.reserve({ eventId: event.id, userId: 'carol', seatIds: [], quantity: 2, holdId, holdExpiresAt: new Date(now.getTime() + 60_000), now, reservedUntil: new Date(now.getTime() + 600_000) });
      const outcome = second.then(() => 'bought', (error: { code?: string }) => error.code);
      await new Promise((resolve) => setTimeout(resolve, 300));
      commit();
      expect(await first.then(() => 'committed', (error: { code?: string }) => error.code)).toBe('committed');
      expect(await outcome).toBe('hold-expired');
    });

    it('the sweep forgets bought holds once they have lapsed, and only those', async () => {
      const repository = new PostgresTicketRepository(handle.db);
      const [lapsed, live] = [`lapsed-${newId()}`, `live-${newId()}`];
      await sql`INSERT INTO hold_purchases (hold_id, spent_until) VALUES (${lapsed}, now() - interval '1 second'), (${live}, now() + interval '1 minute')`.execute(handle.db);
      // Another test app's sweeper may hold the lock for a moment; either sweep forgets the row.
      for (let attempt = 0; attempt < 100 && (await repository.sweepExpired(new Date(), 10)) === null; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
      const { rows } = await sql<{ holdId: string }>`SELECT hold_id FROM hold_purchases WHERE hold_id IN (${lapsed}, ${live})`.execute(handle.db);
      expect(rows.map((row) => row.holdId)).toEqual([live]);
    });
  });
});

// Each pooled connection keeps the generic plan it made on first use, often while the tables were nearly
// empty; a plan that scans a table then keeps scanning it however big it grows.
describe('hot statements planned while the tables are empty', () => {
  const plans: Array<[string, RegExp]> = [
    ['onsale_transition_tickets', /Seq Scan on tickets/],
    ['onsale_reserve_seats', /Seq Scan on (seats|tickets|events)/],
    ['onsale_reserve_places', /Seq Scan on (event_live_tickets|tickets|events)/],
    ['onsale_reserve_seats_together', /Seq Scan on (seats|tickets|events)/],
    ['onsale_reserve_places_together', /Seq Scan on (event_live_tickets|tickets|events)/],
  ];
  it.each(plans)('%s finds its rows by primary key, never by a sequential scan', async (name, scan) => {
    const scratch = await scratchDatabase();
    const handle = scratch ? openPostgres(scratch.url) : await testDatabases()[0]!.open();
    try {
      await migrateToLatest(handle.db);
      const [text] = [...PREPARED_STATEMENT_NAMES].find(([, statement]) => statement === name)!;
      const parameters = Math.max(...[...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
      const plan = await handle.db.connection().execute(async (conn) => {
        await sql`SET plan_cache_mode = force_generic_plan`.execute(conn);
        await sql.raw(`PREPARE probe AS ${text}`).execute(conn);
        // A generic plan does not depend on the values: nulls are enough to show it.
        const { rows } = await sql.raw(`EXPLAIN EXECUTE probe(${Array(parameters).fill('NULL').join(', ')})`).execute(conn);
        await sql`DEALLOCATE probe`.execute(conn);
        await sql`RESET plan_cache_mode`.execute(conn);
        return rows.map((row) => Object.values(row as object)[0]).join('\n');
      });
      expect(plan).toMatch(/Index Scan using \w+_pkey/);
      expect(plan).not.toMatch(scan);
    } finally {
      await handle.close();
      await scratch?.drop();
    }
  });
});
