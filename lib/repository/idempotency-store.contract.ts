import { newId } from '../domain/id';
import type { IdempotencyStore } from './idempotency-store';

const HOUR = 3_600_000;
const options = { ttlMs: 24 * HOUR, staleInFlightMs: 120_000 };

/** The behaviour every IdempotencyStore must have; run against each implementation. */
export function idempotencyStoreContract(open: () => Promise<{ store: IdempotencyStore; close(): Promise<void> }>): void {
  let store: IdempotencyStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(async () => {
    await close?.();
  });

  const ref = () => ({ userId: `u-${newId()}`, key: newId() });
  const response = { status: 201, contentType: 'application/json; charset=utf-8', body: '{"ok":true}' };

  it('claims a new key, reports it in flight, then replays the stored response', async () => {
    const key = ref();
    const now = new Date();
    expect(await store.begin(key, 'h1', now, options)).toEqual({ outcome: 'started' });
    expect(await store.begin(key, 'h1', now, options)).toEqual({ outcome: 'in_flight' });
    await store.complete(key, response);
    expect(await store.begin(key, 'h1', now, options)).toEqual({ outcome: 'replay', response });
  });

  it('reports another request under the same key as a mismatch, in flight or done', async () => {
    const key = ref();
    const now = new Date();
    await store.begin(key, 'h1', now, options);
    expect(await store.begin(key, 'h2', now, options)).toEqual({ outcome: 'mismatch' });
    await store.complete(key, response);
    expect(await store.begin(key, 'h2', now, options)).toEqual({ outcome: 'mismatch' });
  });

  it('scopes keys per user', async () => {
    const key = ref();
    const now = new Date();
    await store.begin(key, 'h1', now, options);
    expect(await store.begin({ ...key, userId: `${key.userId}-other` }, 'h2', now, options)).toEqual({ outcome: 'started' });
  });

  it('lets an abandoned key run again', async () => {
    const key = ref();
    const now = new Date();
    await store.begin(key, 'h1', now, options);
    await store.abandon(key);
    expect(await store.begin(key, 'h2', now, options)).toEqual({ outcome: 'started' });
  });

  it('forgets a key after its window and takes over a claim abandoned in flight', async () => {
    const done = ref();
    const stuck = ref();
    const then = new Date(Date.now() - 25 * HOUR);
    await store.begin(done, 'h1', then, options);
    await store.complete(done, response);
    await store.begin(stuck, 'h1', new Date(Date.now() - 10 * 60_000), options);
    expect(await store.begin(done, 'h2', new Date(), options)).toEqual({ outcome: 'started' });
    expect(await store.begin(stuck, 'h1', new Date(), options)).toEqual({ outcome: 'started' });
  });

  it('lets exactly one of many concurrent requests claim a key', async () => {
    const key = ref();
    const now = new Date();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.begin(key, 'h1', now, options)));
    expect(outcomes.filter((o) => o.outcome === 'started')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'in_flight')).toHaveLength(19);
  });

  it('records many concurrent responses each under its own key, byte for byte', async () => {
    const now = new Date();
    const bodies = ['', '{"a":"b,\\"c\\"}', '{}[](),"\'\\', 'ünïcødé ✓ 𝄞', '{"tickets":[{"id":"x","seat_id":null}]}', 'NULL', '{"x":"{1,2}"}'];
    const keys = bodies.map(() => ref());
    await Promise.all(keys.map((key) => store.begin(key, 'h', now, options)));
    await Promise.all(keys.map((key, i) => store.complete(key, { status: 200 + i, contentType: `type/${i}`, body: bodies[i]! })));
    for (const [i, key] of keys.entries()) {
      expect(await store.begin(key, 'h', now, options)).toEqual({ outcome: 'replay', response: { status: 200 + i, contentType: `type/${i}`, body: bodies[i] } });
    }
  });

  it('a response the store refuses fails alone; the ones recorded with it are kept', async () => {
    const now = new Date();
    const [good, bad] = [ref(), ref()];
    await store.begin(good, 'h', now, options);
    await store.begin(bad, 'h', now, options);
    // PostgreSQL text cannot hold U+0000.
    const results = await Promise.allSettled([store.complete(good, response), store.complete(bad, { ...response, body: 'nul \u0000 here' })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(await store.begin(good, 'h', now, options)).toEqual({ outcome: 'replay', response });
  });

  it('purges keys first used before a time, at most a given number at once', async () => {
    const olds = [ref(), ref(), ref()];
    const recent = ref();
    for (const old of olds) await store.begin(old, 'h1', new Date(Date.now() - 48 * HOUR), options);
    await store.begin(recent, 'h1', new Date(), options);
    // Other tests' keys may be old too (and other processes may purge ours): purge until none is left.
    const purged: number[] = [];
    do purged.push(await store.purge(new Date(Date.now() - 24 * HOUR), 2));
    while (purged.at(-1)! > 0);
    expect(purged.every((n) => n <= 2)).toBe(true);
    for (const old of olds) expect(await store.begin(old, 'h2', new Date(), options)).toEqual({ outcome: 'started' });
    expect(await store.begin(recent, 'h2', new Date(), options)).toEqual({ outcome: 'mismatch' });
  });
}
