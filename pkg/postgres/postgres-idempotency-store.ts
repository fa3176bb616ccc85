import { inject, injectable } from 'inversify';
import { sql, type Kysely } from 'kysely';
import type { IdempotencyBegin, IdempotencyKeyRef, IdempotencyStore, StoredResponse } from '../../lib/repository/idempotency-store';
import { KYSELY } from './database';
import { guarded, isUnavailable } from './errors';
import { Batch } from '../system/batch';
import { abandonKeyStatement, claimKeysStatement, completeKeysStatement, findKeyStatement } from './idempotency-statements';
import type { Database } from './tables';

// A claim can vanish between our insert and our read (its request ended 409/5xx and abandoned it);
// trying again then claims it for us. Two rounds suffice unless the key is being hammered.
const MAX_ROUNDS = 3;

interface Claim {
  ref: IdempotencyKeyRef;
  requestHash: string;
  now: Date;
  options: { ttlMs: number; staleInFlightMs: number };
}

@injectable()
export class PostgresIdempotencyStore implements IdempotencyStore {
  // Every purchase and confirm with a key claims it first and records its response last: one statement per
  // turn of the event loop for each, not one per request.
  private readonly claims = new Batch<Claim, boolean>((claims) => this.claim(claims), isUnavailable);
  private readonly completions = new Batch<{ ref: IdempotencyKeyRef; response: StoredResponse }>(async (done) => {
    await completeKeysStatement(this.db, {
      userIds: done.map((d) => d.ref.userId),
      keys: done.map((d) => d.ref.key),
      statuses: done.map((d) => d.response.status),
      contentTypes: done.map((d) => d.response.contentType),
      bodies: done.map((d) => d.response.body),
    });
    return done.map(() => undefined);
  }, isUnavailable);

  constructor(@inject(KYSELY) private readonly db: Kysely<Database>) {}

  begin(ref: IdempotencyKeyRef, requestHash: string, now: Date, options: { ttlMs: number; staleInFlightMs: number }): Promise<IdempotencyBegin> {
    return guarded(async () => {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        if (await this.claims.add({ ref, requestHash, now, options })) return { outcome: 'started' };
        const existing = (await findKeyStatement(this.db, ref)).rows[0];
        if (!existing) continue;
        if (existing.requestHash !== requestHash) return { outcome: 'mismatch' };
        if (existing.status === 'in_flight') return { outcome: 'in_flight' };
        return {
          outcome: 'replay',
          response: { status: existing.responseStatus!, contentType: existing.responseType ?? 'application/json', body: existing.responseBody ?? '' },
        };
      }
      return { outcome: 'in_flight' };
    });
  }

  complete(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void> {
    return guarded(() => this.completions.add({ ref, response }));
  }

  /**
   * Which claims are now ours. A key asked for twice in one batch is claimed by its first asker only; the
   * others answer false and then find that claim, as they would have a moment later.
   */
  private async claim(claims: Claim[]): Promise<boolean[]> {
    const byKey = new Map<string, Claim>();
    for (const claim of claims) {
      const id = JSON.stringify([claim.ref.userId, claim.ref.key]);
      if (!byKey.has(id)) byKey.set(id, claim);
    }
    // Options are the service's constants; a batch with mixed options is claimed by groups.
    const groups = new Map<string, Claim[]>();
    for (const claim of byKey.values()) {
      const group = `${claim.options.ttlMs}/${claim.options.staleInFlightMs}`;
      groups.set(group, [...(groups.get(group) ?? []), claim]);
    }
    const won = new Set<Claim>();
    for (const group of groups.values()) {
      const { rows } = await claimKeysStatement(this.db, {
        userIds: group.map((c) => c.ref.userId),
        keys: group.map((c) => c.ref.key),
        requestHashes: group.map((c) => c.requestHash),
        nows: group.map((c) => c.now),
        ttlMs: group[0]!.options.ttlMs,
        staleMs: group[0]!.options.staleInFlightMs,
      });
      const claimed = new Set(rows.map((row) => JSON.stringify([row.userId, row.key])));
      for (const claim of group) if (claimed.has(JSON.stringify([claim.ref.userId, claim.ref.key]))) won.add(claim);
    }
    return claims.map((claim) => won.has(claim));
  }

  abandon(ref: IdempotencyKeyRef): Promise<void> {
    return guarded(async () => {
      await abandonKeyStatement(this.db, ref);
    });
  }

  purge(before: Date, limit: number): Promise<number> {
    return guarded(async () => {
      const result = await sql`
        DELETE FROM idempotency_keys
        WHERE (user_id, key) IN (SELECT user_id, key FROM idempotency_keys WHERE created_at < ${before} LIMIT ${limit})
      `.execute(this.db);
      return Number(result.numAffectedRows ?? 0);
    });
  }
}
