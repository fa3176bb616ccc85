import { sql } from 'kysely';
import { prepare } from './prepared';

// Prepared (prepared.ts): claim and complete run on every purchase and confirm that carries a key.

/**
 * Claims new keys, or takes over ones past their window (`ttlMs` after first use) or abandoned in flight
 * (`staleMs`); the primary key makes it atomic across processes. Returns the keys that are now ours. The
 * keys must be distinct; sorted, so that two processes claiming overlapping sets wait in one order.
 */
export const claimKeysStatement = prepare<
  { userIds: string[]; keys: string[]; requestHashes: string[]; nows: Date[]; ttlMs: number; staleMs: number },
  { userId: string; key: string }
>('idempotency_claim', (p) => sql`
  INSERT INTO idempotency_keys AS k (user_id, key, request_hash, status, created_at)
  SELECT c.user_id, c.key, c.request_hash, 'in_flight', c.now
  FROM unnest(${p.userIds}::text[], ${p.keys}::text[], ${p.requestHashes}::text[], ${p.nows}::timestamptz[]) AS c (user_id, key, request_hash, now)
  ORDER BY c.user_id, c.key
  ON CONFLICT (user_id, key) DO UPDATE
    SET request_hash = excluded.request_hash, status = 'in_flight', response_status = NULL, response_type = NULL, response_body = NULL, created_at = excluded.created_at
    WHERE k.created_at < excluded.created_at - ${p.ttlMs}::int * interval '1 millisecond'
       OR (k.status = 'in_flight' AND k.created_at < excluded.created_at - ${p.staleMs}::int * interval '1 millisecond')
  RETURNING k.user_id, k.key`);

export const findKeyStatement = prepare<
  { userId: string; key: string },
  { requestHash: string; status: 'in_flight' | 'done'; responseStatus: number | null; responseType: string | null; responseBody: string | null }
>('idempotency_find', (p) => sql`
  SELECT request_hash, status, response_status, response_type, response_body FROM idempotency_keys
  WHERE user_id = ${p.userId}::text AND key = ${p.key}::text`);

/** Records the responses of several started keys at once (one row per key; the keys are distinct). */
export const completeKeysStatement = prepare<
  { userIds: string[]; keys: string[]; statuses: number[]; contentTypes: string[]; bodies: string[] },
  never
>('idempotency_complete', (p) => sql`
  UPDATE idempotency_keys k
  SET status = 'done', response_status = r.status, response_type = r.content_type, response_body = r.body
  FROM unnest(${p.userIds}::text[], ${p.keys}::text[], ${p.statuses}::int[], ${p.contentTypes}::text[], ${p.bodies}::text[])
    AS r (user_id, key, status, content_type, body)
  WHERE k.user_id = r.user_id AND k.key = r.key AND k.status = 'in_flight'`);

export const abandonKeyStatement = prepare<{ userId: string; key: string }, never>('idempotency_abandon', (p) => sql`
  DELETE FROM idempotency_keys WHERE user_id = ${p.userId}::text AND key = ${p.key}::text AND status = 'in_flight'`);
