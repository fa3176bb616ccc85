/** The response stored for a key, replayed byte for byte. */
export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

/** What `begin` found for a key. */
export type IdempotencyBegin =
  | { outcome: 'started' }
  | { outcome: 'replay'; response: StoredResponse }
  /** The key was first used with another request (other body, route or method). */
  | { outcome: 'mismatch' }
  /** The first request with this key has not finished yet. */
  | { outcome: 'in_flight' };

export interface IdempotencyKeyRef {
  userId: string;
  key: string;
}

/**
 * Idempotency keys, scoped per user. `begin` claims a key atomically, so two concurrent requests with one
 * key never both run. A key lives for `ttlMs` from its first use; a claim left `in_flight` longer than
 * `staleInFlightMs` (its process died) may be taken over.
 */
export interface IdempotencyStore {
  begin(ref: IdempotencyKeyRef, requestHash: string, now: Date, options: { ttlMs: number; staleInFlightMs: number }): Promise<IdempotencyBegin>;
  /** Records the final response of a started key. */
  complete(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void>;
  /** Forgets a started key whose response must not be replayed (409, 429, 5xx): a retry runs again. */
  abandon(ref: IdempotencyKeyRef): Promise<void>;
  /** Deletes at most `limit` keys first used before `before`; returns how many. */
  purge(before: Date, limit: number): Promise<number>;
}
export const IdempotencyStore = Symbol.for('IdempotencyStore');
