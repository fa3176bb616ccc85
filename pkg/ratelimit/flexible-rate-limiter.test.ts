import { rateLimiterContract } from '../../lib/adapter/rate-limiter.contract';
import { testRedisClient } from '../../test/support/redis';
import { redisUrl } from '../../test/support/services';
import { FlexibleRateLimiter } from './flexible-rate-limiter';
import { randomUUID } from 'node:crypto';

describe('FlexibleRateLimiter in memory', () => {
  rateLimiterContract(async (policies) => ({ limiter: new FlexibleRateLimiter(policies), close: async () => {} }));
});

(redisUrl ? describe : describe.skip)('FlexibleRateLimiter on Redis (needs REDIS_URL)', () => {
  rateLimiterContract(async (policies) => {
    const client = testRedisClient();
    await client.connect();
    const limiter = new FlexibleRateLimiter(policies, { client, keyPrefix: `onsale-test:${randomUUID()}:` });
    return { limiter, close: () => client.close() };
  });
});
