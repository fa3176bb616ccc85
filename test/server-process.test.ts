import { runStorageEnv, startServerProcess } from './support/server-process';

describe('the compiled server as its own process', () => {
  it('serves /health and exits 0 on SIGTERM', async () => {
    const storage = runStorageEnv();
    const server = await startServerProcess(storage.env);
    try {
      const res = await fetch(`${server.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', cache: 'ok' } });
    } finally {
      expect(await server.stop()).toBe(0);
      storage.dispose();
    }
  }, 60_000);
});
