import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { openPGlite, openPostgres } from '../../pkg/postgres/database';
import { migrateToLatest } from '../../pkg/postgres/migrate';
import { databaseUrl, redisCluster, redisUrl, TEMPLATE_ENV } from './services';

/**
 * Runs once per `npm test`: builds a migrated PGlite template that each test file copies (initdb takes
 * seconds, a copy milliseconds), and checks that the real services named in the environment answer. A
 * named service that does not answer fails the whole run: real-service tests never silently skip.
 */
export default async function globalSetup(): Promise<void> {
  const template = mkdtempSync(join(tmpdir(), 'onsale-pglite-template-'));
  const embedded = await openPGlite(join(template, 'db'));
  await migrateToLatest(embedded.db);
  await embedded.close();
  process.env[TEMPLATE_ENV] = template;

  if (databaseUrl) {
    const database = openPostgres(databaseUrl);
    try {
      await migrateToLatest(database.db);
    } catch (error) {
      throw new Error(`DATABASE_URL is set but Postgres cannot be used: ${(error as Error).message}`);
    } finally {
      await database.close();
    }
  }
  if (redisUrl) {
    const client = createClient({ url: redisUrl, RESP: 2, maintNotifications: 'disabled', socket: { connectTimeout: 2_000, reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      // A Cluster that lost a master (or was never joined) refuses the keys of its slots: fail here, not midway.
      if (redisCluster) {
        const info = await client.clusterInfo();
        if (!/cluster_state:ok/.test(info)) throw new Error(`REDIS_CLUSTER=on but the cluster is not ok: ${info.split('\n')[0]}`);
      }
    } catch (error) {
      throw new Error(`REDIS_URL is set but Redis cannot be used: ${(error as Error).message}`);
    } finally {
      if (client.isOpen) await client.close();
    }
  }
  console.log(`\n[onsale tests] database: ${databaseUrl ? 'postgres (DATABASE_URL) + pglite' : 'pglite only'}; cache: ${redisUrl ? `redis${redisCluster ? ' cluster' : ''} (REDIS_URL) + memory` : 'memory only'}`);
}
