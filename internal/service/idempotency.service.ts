import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { Clock } from '../../lib/adapter/clock';
import { ConflictError, UnprocessableError, ValidationError } from '../../lib/domain/errors';
import { IdempotencyStore, type IdempotencyKeyRef, type StoredResponse } from '../../lib/repository/idempotency-store';

/** A key replays its first response for this long after its first use. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
// Longer than any request can run (each statement has 5 s, QUERY_TIMEOUT_MS): a claim still in flight
// after this belongs to a process that died or to a request whose outcome stayed unknown, and a retry may
// take it over.
const STALE_IN_FLIGHT_MS = 120_000;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** What the caller sent, reduced to what must match for a retry to count as the same request. */
export interface IdempotentRequest {
  method: string;
  path: string;
  body: unknown;
}

/** Same JSON whatever the key order, so a client re-serialising its body still matches. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** What must match for a retry to count as the same request: method, path and body (key order ignored). */
export function requestHash(request: IdempotentRequest): string {
  const body = request.body === undefined || request.body === null ? {} : request.body;
  return createHash('sha256').update(JSON.stringify([request.method, request.path, canonical(body)])).digest('hex');
}

/**
 * Idempotency-Key semantics: the same key, user and request within 24 h replays the first response; the
 * same key with another request -> 422; while the first is still running -> 409. Responses a retry could
 * improve on (409, 429, 5xx) are not kept.
 */
@injectable()
export class IdempotencyService {
  constructor(
    @inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  /** Claims the key; returns the stored response to replay, or null when the request should run. */
  async begin(ref: IdempotencyKeyRef, request: IdempotentRequest): Promise<StoredResponse | null> {
    if (!KEY_PATTERN.test(ref.key)) {
      throw ValidationError.field('Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
    }
    const found = await this.store.begin(ref, requestHash(request), this.clock.now(), { ttlMs: IDEMPOTENCY_TTL_MS, staleInFlightMs: STALE_IN_FLIGHT_MS });
    switch (found.outcome) {
      case 'started':
        return null;
      case 'replay':
        return found.response;
      case 'mismatch':
        throw new UnprocessableError('idempotency-key-reused', 'This Idempotency-Key was used with a different request.');
      case 'in_flight':
        throw new ConflictError('idempotency-in-flight', 'A request with this Idempotency-Key is still in progress; retry shortly.', { retryAfterSeconds: 1 });
    }
  }

  /** Stores the response of a started key, or forgets the key when a retry deserves another go. */
  async finish(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void> {
    if (response.status === 409 || response.status === 429 || response.status >= 500) await this.store.abandon(ref);
    else await this.store.complete(ref, response);
  }
}
