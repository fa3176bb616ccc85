import { leaseContract } from '../../lib/adapter/lease.contract';
import { waitingRoomContract } from '../../lib/adapter/waiting-room.contract';
import { newId } from '../../lib/domain/id';
import { queueStoreTargets } from '../../test/support/redis-queue';
import { scanPrefix } from './client';
import { RedisWaitingRoom } from './redis-waiting-room';

// The in-process stores run too, so one spec holds both implementations to the same behaviour.
describe.each(queueStoreTargets())('queue stores on $name', (target) => {
  describe('WaitingRoom contract', () => {
    waitingRoomContract(async () => {
      const { room, close } = await target.open();
      return { room, close };
    });
  });

  describe('Lease contract', () => {
    leaseContract(async () => {
      const { lease, close } = await target.open();
      return { lease, close };
    });
  });
});

const redisTarget = queueStoreTargets().find((target) => target.name === 'redis');
(redisTarget ? describe : describe.skip)('RedisWaitingRoom keys', () => {
  it('start with the prefix, share the event hash tag, and expire with the event retention', async () => {
    const { redis, close } = await redisTarget!.open();
    try {
      const { client, prefix } = redis!;
      const room = new RedisWaitingRoom(client, prefix);
      const eventId = newId();
      const retainUntil = new Date(Date.now() + 3_600_000);
      const now = new Date();
      await room.join({ eventId, userId: 'a', sessionId: newId(), lottery: true, now, retainUntil });
      await room.join({ eventId, userId: 'b', sessionId: newId(), lottery: false, now, retainUntil });
      await room.admit(eventId, { count: 1, maxActive: 5, ttlMs: 60_000, now });
      const keys: string[] = [];
      for await (const batch of scanPrefix(client, prefix)) keys.push(...batch);
      expect(keys.every((key) => key.startsWith(prefix))).toBe(true);
      const eventKeys = keys.filter((key) => key.includes(`{${eventId}}`));
      expect(eventKeys.map((key) => key.slice(key.lastIndexOf(':') + 1)).sort()).toEqual(['active', 'salt', 'seq', 'sessions', 'users', 'waiting']);
      for (const key of keys.filter((key) => !key.endsWith('queue-events'))) {
        const ttl = await client.pTTL(key);
        expect(ttl).toBeGreaterThan(3_500_000);
        expect(ttl).toBeLessThanOrEqual(3_600_000);
      }
    } finally {
      await close();
    }
  });
});
