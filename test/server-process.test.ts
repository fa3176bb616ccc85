import { clonePGliteTemplate } from './support/databases';
import { startServerProcess } from './support/server-process';
import { databaseUrl, redisUrl } from './support/services';

describe('the compiled server as its own process', () => {
  it('serves /health and exits 0 on SIGTERM', async () => {
    // A copy of the migrated template: a fresh embedded database would spend seconds in initdb.
    const data = clonePGliteTemplate();
    const env: Record<string, string> = { DATA_DIR: data.dataDir };
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    if (redisUrl) env.REDIS_URL = redisUrl;
    const server = await startServerProcess(env);
    try {
      const res = await fetch(`${server.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', cache: 'ok' } });
    } finally {
      expect(await server.stop()).toBe(0);
      data.dispose();
    }
  }, 60_000);
});
