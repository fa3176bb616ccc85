import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import { signToken } from '../pkg/jwt/sign-token';
import { eventBody, seatBodies } from './support/fixtures';
import { runStorageEnv, startServerProcess } from './support/server-process';

describe('graceful shutdown', () => {
  it('finishes the request in flight on SIGTERM, then exits 0 and accepts nothing new', async () => {
    const storage = runStorageEnv();
    const server = await startServerProcess(storage.env);
    try {
      const auth = `Bearer ${await signToken(DEVELOPMENT_JWT_SECRET, { userId: 'ops', role: 'admin' })}`;
      const headers = { Authorization: auth, 'Content-Type': 'application/json' };
      const event = (await (await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify(eventBody()) })).json()) as { id: string };

      // A bulk insert of 50,000 seats takes seconds: long enough to be in flight when SIGTERM lands.
      const inFlight = fetch(`${server.url}/api/v1/events/${event.id}/seats`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ seats: seatBodies(50_000, 'S', 100) }),
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exit = server.stop('SIGTERM');

      const response = await inFlight;
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ created: 50_000 });
      expect(await exit).toBe(0);
      await expect(fetch(`${server.url}/health`)).rejects.toThrow();
      expect(server.output.some((line) => line.includes('"message":"stopped"'))).toBe(true);
    } finally {
      await server.stop('SIGKILL');
      storage.dispose();
    }
  }, 60_000);
});
