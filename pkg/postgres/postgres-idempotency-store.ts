import { inject, injectable } from 'inversify';
import type { Kysely } from 'kysely';
import type { IdempotencyBegin, IdempotencyKeyRef, IdempotencyStore, StoredResponse } from '../../lib/repository/idempotency-store';
import { KYSELY } from './database';
import { guarded } from './errors';
import type { Database } from './tables';

// A claim can vanish between our insert and our read (its request ended 409/5xx and abandoned it);
// trying again then claims it for us. Two rounds suffice unless the key is being hammered.
const MAX_ROUNDS = 3;

@injectable()
export class PostgresIdempotencyStore implements IdempotencyStore {
  constructor(@inject(KYSELY) private readonly db: Kysely<Database>) {}

  begin(ref: IdempotencyKeyRef, requestHash: string, now: Date, options: { ttlMs: number; staleInFlightMs: number }): Promise<IdempotencyBegin> {
    const expiredBefore = new Date(now.getTime() - options.ttlMs);
    const staleBefore = new Date(now.getTime() - options.staleInFlightMs);
    return guarded(async () => {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        // One statement claims a new key, or takes over one past its window or abandoned in flight; the
        // primary key makes it atomic across processes.
        const claimed = await this.db
          .insertInto('idempotencyKeys')
          .values({ userId: ref.userId, key: ref.key, requestHash, status: 'in_flight', createdAt: now })
          .onConflict((oc) =>
            oc
              .columns(['userId', 'key'])
              .doUpdateSet({ requestHash, status: 'in_flight', responseStatus: null, responseType: null, responseBody: null, createdAt: now })
              .where((eb) =>
                eb.or([
                  eb('idempotencyKeys.createdAt', '<', expiredBefore),
                  eb.and([eb('idempotencyKeys.status', '=', 'in_flight'), eb('idempotencyKeys.createdAt', '<', staleBefore)]),
                ]),
              ),
          )
          .returning('userId')
          .executeTakeFirst();
        if (claimed) return { outcome: 'started' };

        const existing = await this.db
          .selectFrom('idempotencyKeys')
          .select(['requestHash', 'status', 'responseStatus', 'responseType', 'responseBody'])
          .where('userId', '=', ref.userId)
          .where('key', '=', ref.key)
          .executeTakeFirst();
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
    return guarded(async () => {
      await this.db
        .updateTable('idempotencyKeys')
        .set({ status: 'done', responseStatus: response.status, responseType: response.contentType, responseBody: response.body })
        .where('userId', '=', ref.userId)
        .where('key', '=', ref.key)
        .where('status', '=', 'in_flight')
        .execute();
    });
  }

  abandon(ref: IdempotencyKeyRef): Promise<void> {
    return guarded(async () => {
      await this.db
        .deleteFrom('idempotencyKeys')
        .where('userId', '=', ref.userId)
        .where('key', '=', ref.key)
        .where('status', '=', 'in_flight')
        .execute();
    });
  }

  purge(before: Date): Promise<number> {
    return guarded(async () => {
      const result = await this.db.deleteFrom('idempotencyKeys').where('createdAt', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}
