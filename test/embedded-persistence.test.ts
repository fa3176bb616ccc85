import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventBody } from './support/fixtures';
import { startTestApp } from './support/test-app';

// Embedded mode only: what matters is PGlite's data directory, whatever the run's other services are.
describe('embedded mode (PGlite under DATA_DIR)', () => {
  const root = mkdtempSync(join(tmpdir(), 'onsale-persist-'));
  const dataDir = join(root, 'data');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps data across a restart and refuses a second process on the same directory', async () => {
    const first = await startTestApp({ databaseUrl: null, dataDir });
    const created = await first.http.post('/api/v1/events').set('Authorization', await first.admin()).send(eventBody({ name: 'Persisted' })).expect(201);
    await expect(startTestApp({ databaseUrl: null, dataDir })).rejects.toThrow(/in use by another process/);
    await first.close();

    const second = await startTestApp({ databaseUrl: null, dataDir });
    try {
      const read = await second.http.get(`/api/v1/events/${created.body.id}`).expect(200);
      expect(read.body.name).toBe('Persisted');
    } finally {
      await second.close();
    }
  }, 60_000);
});
