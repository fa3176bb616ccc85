import { sql, type Kysely } from 'kysely';

/**
 * A standing hold is bought once. Its places are not rows that lock, so two purchases of the same hold
 * (a double click without an Idempotency-Key, a retry after a lost answer, a hold whose release after
 * purchase failed) would each insert tickets, and the extra ones would use up places other buyers hold.
 * The purchase's statement writes its hold here; a second writer of the same hold waits for the first to
 * commit and then fails on the key. Seated holds need no row: their seats' locks and the one-live-ticket
 * index already refuse a second purchase.
 *
 * Kept only while a purchase of the hold could still pass: the statements refuse a hold past its expiry,
 * and no hold outlives MAX_HOLD_LIFETIME_SECONDS however often it is extended, so a row is kept that long
 * past the expiry its purchase saw, and the expiry sweep deletes it once `spent_until` has passed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE hold_purchases (
      hold_id text PRIMARY KEY,
      spent_until timestamptz NOT NULL
    )`.execute(db);
  // The sweep deletes by it every second; without it each sweep would read every standing purchase of the
  // last quarter hour (hundreds of thousands of rows in a big sale).
  await sql`CREATE INDEX hold_purchases_spent_until ON hold_purchases (spent_until)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE hold_purchases`.execute(db);
}
