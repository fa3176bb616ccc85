import { sql, type Kysely } from 'kysely';

/**
 * Tickets by the hold they were bought with. A one-call purchase holds under an id derived from its
 * Idempotency-Key; when a retry takes over a key whose first attempt's outcome stayed unknown, it looks here
 * for what that attempt bought before buying anything (docs/tickets.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX tickets_hold_idx ON tickets (hold_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX tickets_hold_idx`.execute(db);
}
