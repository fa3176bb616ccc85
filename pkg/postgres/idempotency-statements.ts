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

/**
 * Records the responses of several started keys at once (one row per key; the keys are distinct).
 *
 * Each key is found by its own primary-key probe (a LATERAL subquery with a LIMIT is never flattened into a
 * join; MATERIALIZED keeps the probes apart from the update), and the update filters on what a probe saw,
 * which tells the planner few rows come out of them, so it updates by primary key too: as
 * a plain UPDATE ... FROM unnest(...), the generic plan a pooled connection keeps was made while the table
 * was small, hash-joined a sequential scan of every key, and kept doing so as the table grew. The status is
 * checked again on the row being updated, so a key that changes in between is judged as it is then.
 */
export const completeKeysStatement = prepare<
  { userIds: string[]; keys: string[]; statuses: number[]; contentTypes: string[]; bodies: string[] },
  never
>('idempotency_complete', (p) => sql`
  WITH found AS MATERIALIZED (
    SELECT r.*, k.status AS seen
    FROM unnest(${p.userIds}::text[], ${p.keys}::text[], ${p.statuses}::int[], ${p.contentTypes}::text[], ${p.bodies}::text[])
      AS r (user_id, key, status, content_type, body)
    CROSS JOIN LATERAL (SELECT status FROM idempotency_keys k WHERE k.user_id = r.user_id AND k.key = r.key LIMIT 1) k
  )
  UPDATE idempotency_keys k
  SET status = 'done', response_status = f.status, response_type = f.content_type, response_body = f.body
  FROM found f
  WHERE f.seen = 'in_flight' AND k.user_id = f.user_id AND k.key = f.key AND k.status = 'in_flight'`);

export const abandonKeyStatement = prepare<{ userId: string; key: string }, never>('idempotency_abandon', (p) => sql`
  DELETE FROM idempotency_keys WHERE user_id = ${p.userId}::text AND key = ${p.key}::text AND status = 'in_flight'`);
