import { randomUUID } from 'node:crypto';
import { eventBusContract } from '../../lib/adapter/event-bus.contract';
import { testRedisClient } from '../../test/support/redis';
import { redisUrl } from '../../test/support/services';
import { MemoryEventBus } from '../memory/memory-event-bus';
import { RedisEventBus } from './redis-event-bus';

describe('MemoryEventBus', () => {
  eventBusContract(async ({ historyLength }) => {
    const bus = new MemoryEventBus(historyLength);
    return { buses: [bus, bus], close: async () => {} };
  });
});

(redisUrl ? describe : describe.skip)('RedisEventBus, two processes on one Redis (needs REDIS_URL)', () => {
  eventBusContract(async ({ historyLength }) => {
    const prefix = `onsale-test:${randomUUID()}:`;
    const clients = Array.from({ length: 4 }, () => testRedisClient());
    await Promise.all(clients.map((c) => c.connect()));
    const [a, aSub, b, bSub] = clients as [any, any, any, any];
    return {
      buses: [new RedisEventBus(a, aSub, prefix, historyLength), new RedisEventBus(b, bSub, prefix, historyLength)],
      close: async () => {
        await Promise.all(clients.map((c) => c.close()));
      },
    };
  });
});
