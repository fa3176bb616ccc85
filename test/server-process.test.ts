import { startServerProcess } from './support/server-process';
import { databaseUrl, redisUrl } from './support/services';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('the compiled server as its own process', () => {
  it('serves /health and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onsale-proc-'));
    const env: Record<string, string> = { DATA_DIR: join(dir, 'data') };
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    if (redisUrl) env.REDIS_URL = redisUrl;
    const server = await startServerProcess(env);
    try {
      const res = await fetch(`${server.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', cache: 'ok' } });
    } finally {
      expect(await server.stop()).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
