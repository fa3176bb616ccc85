import type { Transaction } from 'kysely';
import { MAX_HOLD_LIFETIME_SECONDS } from '../../lib/domain/hold';
import type { ReservationRequest } from '../../lib/repository/ticket-repository';
import type { Database } from './tables';

/**
 * Until when a standing purchase's hold stays marked bought (migration 0004); null when it has no hold.
 * Past the expiry the purchase saw by the longest a hold may live: the holder may still extend it, up to
 * MAX_HOLD_LIFETIME_SECONDS after it was made, and until then a second purchase of it could pass the
 * statements' expiry check.
 */
export function spentUntilOf(request: ReservationRequest): Date | null {
  if (request.holdId === null) return null;
  return new Date((request.holdExpiresAt ?? request.reservedUntil).getTime() + MAX_HOLD_LIFETIME_SECONDS * 1000);
}

/**
 * Marks a standing purchase's hold bought before the transaction takes anything else, so a purchase that
 * must wait for another purchase of the same hold to commit waits holding nothing that one needs (the
 * event's counter row, which expiring a lapsed reservation locks); then it fails on the key, as the
 * statements do. Rolled back with the transaction if the purchase fails.
 */
export async function spendHold(tx: Transaction<Database>, request: ReservationRequest): Promise<void> {
  const spentUntil = spentUntilOf(request);
  if (spentUntil !== null) await tx.insertInto('holdPurchases').values({ holdId: request.holdId!, spentUntil }).execute();
}
