import { sql, type Kysely } from 'kysely';

/**
 * Tickets, their audit trail and idempotency keys. The constraints here, not the hold layer, are what make
 * double-selling impossible: see docs/tickets.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Both references refuse deletes (NO ACTION, which reports 23503; RESTRICT would report 23001): Postgres
  // itself refuses to delete an event, or by its cascade a seat, once a ticket exists.
  await sql`
    CREATE TABLE tickets (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES events (id),
      seat_id uuid REFERENCES seats (id),
      user_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('reserved', 'sold', 'cancelled', 'expired')),
      price_cents integer NOT NULL CHECK (price_cents >= 0),
      reserved_until timestamptz NOT NULL,
      hold_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 0
    )`.execute(db);
  // The last line against double-selling a seat: at most one reserved-or-sold ticket per seat, checked by
  // Postgres at insert time whatever Redis said.
  await sql`CREATE UNIQUE INDEX tickets_one_live_per_seat ON tickets (seat_id) WHERE status IN ('reserved', 'sold')`.execute(db);
  // GET /tickets/user/:id pages by id (UUIDv7, creation order).
  await sql`CREATE INDEX tickets_user_order_idx ON tickets (user_id, id)`.execute(db);
  // The expiry sweeper only ever looks at open reservations.
  await sql`CREATE INDEX tickets_reserved_until_idx ON tickets (reserved_until) WHERE status = 'reserved'`.execute(db);
  // Live counts per event (standing capacity, event counts); also serves the event FK check on delete.
  await sql`CREATE INDEX tickets_event_live_idx ON tickets (event_id) WHERE status IN ('reserved', 'sold')`.execute(db);
  await sql`CREATE INDEX tickets_event_idx ON tickets (event_id)`.execute(db);
  await sql`CREATE INDEX tickets_seat_idx ON tickets (seat_id)`.execute(db);

  // Standing capacity cannot be a plain CHECK (it spans rows), so a trigger checks it under a lock on the
  // event row: concurrent buyers of one event queue on that lock and each counts what the previous one
  // committed. FOR NO KEY UPDATE, not FOR UPDATE: the FK check of every ticket insert takes KEY SHARE on
  // the event row, and FOR UPDATE would deadlock two buyers that both inserted before locking.
  // AFTER ROW: by then every row of the statement is visible, so one multi-ticket insert is counted whole.
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
  // No legal transition revives a ticket, but the database does not rely on that.
  await sql`
    CREATE TRIGGER tickets_standing_capacity_on_revive AFTER UPDATE OF status, seat_id, event_id ON tickets
      FOR EACH ROW WHEN (NEW.seat_id IS NULL AND NEW.status IN ('reserved', 'sold') AND OLD.status NOT IN ('reserved', 'sold'))
      EXECUTE FUNCTION tickets_check_standing_capacity()`.execute(db);

  await sql`
    CREATE TABLE ticket_history (
      id uuid PRIMARY KEY,
      ticket_id uuid NOT NULL REFERENCES tickets (id),
      from_status text CHECK (from_status IN ('reserved', 'sold', 'cancelled', 'expired')),
      to_status text NOT NULL CHECK (to_status IN ('reserved', 'sold', 'cancelled', 'expired')),
      actor text NOT NULL,
      reason text,
      at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX ticket_history_ticket_idx ON ticket_history (ticket_id, id)`.execute(db);
  // An audit trail that can be edited is not one.
  await sql`
    CREATE FUNCTION ticket_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ticket_history is append-only' USING ERRCODE = 'restrict_violation';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER ticket_history_append_only BEFORE UPDATE OR DELETE ON ticket_history
      FOR EACH ROW EXECUTE FUNCTION ticket_history_append_only()`.execute(db);

  await sql`
    CREATE TABLE idempotency_keys (
      user_id text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status text NOT NULL CHECK (status IN ('in_flight', 'done')),
      response_status integer,
      response_type text,
      response_body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, key),
      CONSTRAINT idempotency_done_has_response CHECK (status = 'in_flight' OR response_status IS NOT NULL)
    )`.execute(db);
  // Purging keys past their 24 h window.
  await sql`CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE idempotency_keys`.execute(db);
  await sql`DROP TABLE ticket_history`.execute(db);
  await sql`DROP FUNCTION ticket_history_append_only`.execute(db);
  await sql`DROP TABLE tickets`.execute(db);
  await sql`DROP FUNCTION tickets_check_standing_capacity`.execute(db);
}
