import { setTimeout as sleep } from 'node:timers/promises';
import { holdStoreContract } from '../../lib/adapter/hold-store.contract';
import { newId } from '../../lib/domain/id';
import { testRedis } from '../../test/support/redis';
import { scanPrefix, type RedisClient } from './client';
import { FENCE_RENEW_EVERY } from './hold-scripts';
import { RedisHoldStore } from './redis-hold-store';

const targets = testRedis();

// Runs only against a real Redis; the in-process store passes the same contract in memory-hold-store.test.ts.
if (targets.length === 0) it.todo('RedisHoldStore: set REDIS_URL to run the HoldStore contract against Redis');
else describe.each(targets)('RedisHoldStore on $name', (redis) => {
  describe('HoldStore contract', () => {
    holdStoreContract(async () => {
      const { client, prefix, close } = await redis.open();
      return { store: new RedisHoldStore(client, prefix), elapse: (ms) => sleep(ms), close };
    });
  });

  describe('keys', () => {
    let client: RedisClient;
    let prefix: string;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ client, prefix, close } = await redis.open());
    });
    afterAll(async () => {
      await close?.();
    });

    it('start with the prefix, share the event hash tag, and all expire', async () => {
      const store = new RedisHoldStore(client, prefix);
      const eventId = newId();
      const seated = await store.holdSeats({ holdId: newId(), eventId, userId: 'u1', seatIds: [newId(), newId()], ttlMs: 60_000, maxPerUser: 10 });
      const standing = await store.holdQuantity({ holdId: newId(), eventId, userId: 'u2', quantity: 2, capacity: 5, ttlMs: 60_000, maxPerUser: 10 });
      expect(seated.ok && standing.ok).toBe(true);
      const keys: string[] = [];
      for await (const batch of scanPrefix(client, prefix)) keys.push(...batch);
      const refs = keys.filter((key) => key.startsWith(`${prefix}hold-ref:`));
      const eventKeys = keys.filter((key) => !refs.includes(key));
      expect(refs).toHaveLength(2);
      // record x2, user x2, two seat locks, seats, places, placed, fence
      expect(eventKeys).toHaveLength(10);
      expect(eventKeys.every((key) => key.startsWith(`${prefix}hold:{${eventId}}:`))).toBe(true);
      const ttls = await Promise.all(keys.map((key) => client.pTTL(key)));
      expect(ttls.every((ttl) => ttl > 0)).toBe(true);
    });

    it('live at least as long as their longest member', async () => {
      const store = new RedisHoldStore(client, prefix);
      const eventId = newId();
      const userId = 'u1';
      const base = `${prefix}hold:{${eventId}}:`;
      const longest = 900_000;
      for (const ttlMs of [longest, 1_000]) {
        await store.holdSeats({ holdId: newId(), eventId, userId, seatIds: [newId()], ttlMs, maxPerUser: 10 });
        await store.holdQuantity({ holdId: newId(), eventId, userId, quantity: 1, capacity: 5, ttlMs, maxPerUser: 10 });
      }
      const ttl = async (key: string) => client.pTTL(`${base}${key}`);
      expect(await ttl(`user-places:${userId}`)).toBeGreaterThan(longest - 5_000);
      expect(await ttl('places')).toBeGreaterThan(longest - 5_000);
      expect(await ttl('placed')).toBeGreaterThan(longest - 5_000);
      // Lapsed seats stay reportable for a day after the last one.
      expect(await ttl('seats')).toBeGreaterThan(longest - 5_000 + 24 * 3600_000);
    });

    it('keep fencing tokens increasing when the counter ran ahead of the clock, then expired', async () => {
      const store = new RedisHoldStore(client, prefix);
      const eventId = newId();
      const ttlMs = 1_500;
      // As after a rush of more than one hold per ms (INCR alone, TTL not renewed), and about to expire.
      await client.set(`${prefix}hold:{${eventId}}:fence`, String(Date.now() + 600_000), { expiration: { type: 'PX', value: ttlMs } });
      const expired = Date.now() + ttlMs;
      const hold = async (userId: string) => {
        const outcome = await store.holdQuantity({ holdId: newId(), eventId, userId, quantity: 1, capacity: 1_000, ttlMs: 60_000, maxPerUser: 10 });
        if (!outcome.ok) throw new Error(`expected a hold, got ${JSON.stringify(outcome)}`);
        return outcome.hold.fencingToken;
      };
      const tokens = await Promise.all(Array.from({ length: FENCE_RENEW_EVERY }, (_, i) => hold(`u${i}`)));
      await sleep(expired - Date.now() + 100);
      expect(await hold('late')).toBeGreaterThan(Math.max(...tokens));
    });

    it('refuses a prefix that would change the hash slot', () => {
      expect(() => new RedisHoldStore(client, 'on{sale}:')).toThrow(/must not contain/);
    });
  });
});
