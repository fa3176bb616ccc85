import { sql, type Kysely } from 'kysely';

/**
 * Standing capacity kept, not counted: `event_live_tickets.live` is the number of live (reserved or sold)
 * seatless tickets of an event, maintained by triggers on every ticket write, so the capacity check is one
 * row update instead of a count over every ticket sold so far (which ran under a lock on the event row and
 * serialised buyers behind an O(tickets) scan).
 *
 * A table of its own rather than a column on `events`: event reads select whole rows, and a counter there
 * would leak into every Event.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // No ticket may change between the backfill and the triggers taking over.
  await sql`LOCK TABLE events, tickets IN SHARE ROW EXCLUSIVE MODE`.execute(db);
  await sql`
    CREATE TABLE event_live_tickets (
      event_id uuid PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
      live integer NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`
    INSERT INTO event_live_tickets (event_id, live)
    SELECT e.id, (SELECT count(*) FROM tickets t WHERE t.event_id = e.id AND t.seat_id IS NULL AND t.status IN ('reserved', 'sold'))
    FROM events e`.execute(db);
  // Every event has its row, so a purchase can read it in the statement that inserts (ticket-statements.ts).
  await sql`
    CREATE FUNCTION events_add_live_tickets_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO event_live_tickets (event_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER events_add_live_tickets_row AFTER INSERT ON events
      FOR EACH ROW EXECUTE FUNCTION events_add_live_tickets_row()`.execute(db);

  await sql`DROP TRIGGER tickets_standing_capacity_on_insert ON tickets`.execute(db);
  await sql`DROP TRIGGER tickets_standing_capacity_on_revive ON tickets`.execute(db);
  await sql`DROP FUNCTION tickets_check_standing_capacity()`.execute(db);

  // A ticket joining the count takes a place and is checked against capacity; the counter row's lock
  // serialises buyers of one event, so each counts what the previous one committed. Deferred to commit: the
  // lock is then held for the commit alone, not across the purchase's last round trips (the hold re-check,
  // COMMIT), which under load made buyers of one event queue behind each other. Row by row, so a
  // multi-ticket insert cannot overshoot either. The upsert keeps counting right for an event whose row
  // went missing.
  await sql`
    CREATE FUNCTION tickets_take_live_standing() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      seated boolean;
      capacity integer;
      now_live integer;
    BEGIN
      INSERT INTO event_live_tickets AS c (event_id, live) VALUES (NEW.event_id, 1)
        ON CONFLICT (event_id) DO UPDATE SET live = c.live + 1
        RETURNING c.live INTO now_live;
      SELECT is_seated_event, total_tickets INTO seated, capacity FROM events WHERE id = NEW.event_id;
      IF seated THEN
        RAISE EXCEPTION 'a ticket of seated event % needs a seat', NEW.event_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'tickets_seat_required';
      END IF;
      IF now_live > coalesce(capacity, 0) THEN
        RAISE EXCEPTION 'standing event % is sold out (capacity %)', NEW.event_id, capacity
          USING ERRCODE = 'check_violation', CONSTRAINT = 'tickets_standing_capacity';
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  // Leaving the count gives the place back at once, not at commit: a purchase that expires a lapsed
  // reservation in its way counts again in the same transaction and must see the place free. (So the
  // counter may dip below zero inside a transaction that inserts and then ends a ticket; never after.)
  await sql`
    CREATE FUNCTION tickets_release_live_standing() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE event_live_tickets SET live = live - 1 WHERE event_id = OLD.event_id;
      RETURN NULL;
    END $$`.execute(db);

  await sql`
    CREATE CONSTRAINT TRIGGER tickets_take_live_standing_on_insert AFTER INSERT ON tickets
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.seat_id IS NULL AND NEW.status IN ('reserved', 'sold'))
      EXECUTE FUNCTION tickets_take_live_standing()`.execute(db);
  // Only when the ticket joins or leaves the count (reserved -> sold stays in it): a confirm never touches
  // the counter row. No legal transition revives a ticket, but the database does not rely on that.
  await sql`
    CREATE CONSTRAINT TRIGGER tickets_take_live_standing_on_update AFTER UPDATE OF status, seat_id, event_id ON tickets
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.seat_id IS NULL AND NEW.status IN ('reserved', 'sold')
        AND NOT (OLD.seat_id IS NULL AND OLD.status IN ('reserved', 'sold') AND OLD.event_id = NEW.event_id))
      EXECUTE FUNCTION tickets_take_live_standing()`.execute(db);
  await sql`
    CREATE TRIGGER tickets_release_live_standing_on_update AFTER UPDATE OF status, seat_id, event_id ON tickets
      FOR EACH ROW
      WHEN (OLD.seat_id IS NULL AND OLD.status IN ('reserved', 'sold')
        AND NOT (NEW.seat_id IS NULL AND NEW.status IN ('reserved', 'sold') AND OLD.event_id = NEW.event_id))
      EXECUTE FUNCTION tickets_release_live_standing()`.execute(db);
  await sql`
    CREATE TRIGGER tickets_release_live_standing_on_delete AFTER DELETE ON tickets
      FOR EACH ROW WHEN (OLD.seat_id IS NULL AND OLD.status IN ('reserved', 'sold'))
      EXECUTE FUNCTION tickets_release_live_standing()`.execute(db);

  // Lets one statement refuse to commit what it found inconsistent (a transition whose seat is not where its
  // ticket says): data-modifying CTEs cannot be rolled back from the client once an autocommit statement ends.
  await sql`
    CREATE FUNCTION raise_invariant_violation(message text) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '%', message USING ERRCODE = 'internal_error';
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION raise_invariant_violation(text)`.execute(db);
  await sql`DROP TRIGGER tickets_release_live_standing_on_delete ON tickets`.execute(db);
  await sql`DROP TRIGGER tickets_release_live_standing_on_update ON tickets`.execute(db);
  await sql`DROP TRIGGER tickets_take_live_standing_on_update ON tickets`.execute(db);
  await sql`DROP TRIGGER tickets_take_live_standing_on_insert ON tickets`.execute(db);
  await sql`DROP FUNCTION tickets_release_live_standing()`.execute(db);
  await sql`DROP FUNCTION tickets_take_live_standing()`.execute(db);
  await sql`DROP TRIGGER events_add_live_tickets_row ON events`.execute(db);
  await sql`DROP FUNCTION events_add_live_tickets_row()`.execute(db);
  await sql`DROP TABLE event_live_tickets`.execute(db);
  // 0002's check, as it was.
  await sql`
    CREATE FUNCTION tickets_check_standing_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      seated boolean;
      capacity integer;
      live integer;
    BEGIN
      SELECT is_seated_event, total_tickets INTO seated, capacity FROM events WHERE id = NEW.event_id FOR NO KEY UPDATE;
      IF seated THEN
        RAISE EXCEPTION 'a ticket of seated event % needs a seat', NEW.event_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'tickets_seat_required';
      END IF;
      SELECT count(*) INTO live FROM tickets
        WHERE event_id = NEW.event_id AND seat_id IS NULL AND status IN ('reserved', 'sold');
      IF live > coalesce(capacity, 0) THEN
        RAISE EXCEPTION 'standing event % is sold out (capacity %)', NEW.event_id, capacity
          USING ERRCODE = 'check_violation', CONSTRAINT = 'tickets_standing_capacity';
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER tickets_standing_capacity_on_insert AFTER INSERT ON tickets
      FOR EACH ROW WHEN (NEW.seat_id IS NULL AND NEW.status IN ('reserved', 'sold'))
      EXECUTE FUNCTION tickets_check_standing_capacity()`.execute(db);
  await sql`
    CREATE TRIGGER tickets_standing_capacity_on_revive AFTER UPDATE OF status, seat_id, event_id ON tickets
      FOR EACH ROW WHEN (NEW.seat_id IS NULL AND NEW.status IN ('reserved', 'sold') AND OLD.status NOT IN ('reserved', 'sold'))
      EXECUTE FUNCTION tickets_check_standing_capacity()`.execute(db);
}
