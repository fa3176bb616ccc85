import { sql } from 'kysely';
import { MAX_HOLD_LIFETIME_SECONDS } from '../../lib/domain/hold';

/**
 * How long a bought hold's row outlives the expiry the purchase saw (migration 0004): the holder may still
 * extend the hold, up to MAX_HOLD_LIFETIME_SECONDS after it was made, so until then a second purchase of
 * it could still pass the statement's expiry check. A constant of the code, never a caller's value.
 */
export const HOLD_MAY_LIVE_ON = sql`make_interval(secs => ${sql.lit(MAX_HOLD_LIFETIME_SECONDS)})`;
