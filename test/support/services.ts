/**
 * Which real services this test run uses. `npm test` runs embedded by default; with DATABASE_URL and
 * REDIS_URL set (CI's second run) every HTTP test and every contract suite also runs against them.
 */
export const databaseUrl = process.env.DATABASE_URL?.trim() || null;
export const redisUrl = process.env.REDIS_URL?.trim() || null;
/** REDIS_CLUSTER=on: REDIS_URL is a node of a Redis Cluster, and every Redis test and server runs on it. */
export const redisCluster = process.env.REDIS_CLUSTER === 'on';

export const TEMPLATE_ENV = 'ONSALE_TEST_PGLITE_TEMPLATE';
