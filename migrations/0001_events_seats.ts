import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE events (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      description text,
      venue text NOT NULL,
      start_time timestamptz NOT NULL,
      end_time timestamptz NOT NULL,
      is_seated_event boolean NOT NULL,
      total_tickets integer CHECK (total_tickets IS NULL OR total_tickets >= 0),
      sale_starts_at timestamptz,
      sale_ends_at timestamptz,
      queue jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_time_order CHECK (end_time > start_time),
      CONSTRAINT events_standing_capacity CHECK (is_seated_event OR total_tickets IS NOT NULL)
    )`.execute(db);
  // GET /events/active filters on end_time.
  await sql`CREATE INDEX events_end_time_idx ON events (end_time)`.execute(db);

  await sql`
    CREATE TABLE seats (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
      section text NOT NULL,
      "row" text NOT NULL,
      number text NOT NULL,
      price_cents integer NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
      category text,
      status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved', 'sold')),
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT seats_unique_position UNIQUE (event_id, section, "row", number)
    )`.execute(db);
  // Keyset pagination in creation order (ids are UUIDv7); the partial one serves the availability list.
  await sql`CREATE INDEX seats_event_order_idx ON seats (event_id, id)`.execute(db);
  await sql`CREATE INDEX seats_event_available_idx ON seats (event_id, id) WHERE status = 'available'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE seats`.execute(db);
  await sql`DROP TABLE events`.execute(db);
}
