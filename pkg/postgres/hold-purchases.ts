import { sql, type Transaction } from 'kysely';
import { MAX_HOLD_LIFETIME_SECONDS } from '../../lib/domain/hold';
import type { ReservationRequest } from '../../lib/repository/ticket-repository';
import type { Database } from './tables';

/**
 * How long a bought hold's row outlives the expiry the purchase saw (migration 0004): the holder may still
 * extend the hold, up to MAX_HOLD_LIFETIME_SECONDS after it was made, so until then a second purchase of
 * it could still pass the statement's expiry check. A constant of the code, never a caller's value.
 */
export const HOLD_MAY_LIVE_ON = sql`make_interval(secs => ${sql.lit(MAX_HOLD_LIFETIME_SECONDS)})`;

/**
 * Marks a standing purchase's hold bought before the transaction takes anything else, so a purchase that
 * must wait for another purchase of the same hold to commit waits holding nothing that one needs (the
 * event's counter row, which expiring a lapsed reservation locks); then it fails on the key, as the
 * statements do. Rolled back with the transaction if the purchase fails.
 */
export async function spendHold(tx: Transaction<Database>, request: ReservationRequest): Promise<void> {
  if (request.holdId === null) return;
  await sql`INSERT INTO hold_purchases (hold_id, spent_until)
            VALUES (${request.holdId}, coalesce(${request.holdExpiresAt ?? null}::timestamptz, ${request.reservedUntil}::timestamptz) + ${HOLD_MAY_LIVE_ON})`.execute(tx);
}
