import 'reflect-metadata';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openPGlite, openPostgres, type DatabaseHandle } from '../../pkg/postgres/database';
import { databaseUrl, TEMPLATE_ENV } from './services';

/** A fresh copy of the migrated PGlite template in its own directory (deleted by `dispose`). */
export function clonePGliteTemplate(): { dataDir: string; dispose(): void } {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run tests through jest (globalSetup builds the template)`);
  const root = mkdtempSync(join(tmpdir(), 'onsale-pglite-'));
  const dataDir = join(root, 'db');
  cpSync(join(template, 'db'), dataDir, { recursive: true });
  return { dataDir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<DatabaseHandle>;
}

/**
 * Every database implementation a contract suite must pass: PGlite always, real Postgres when
 * DATABASE_URL is set (CI sets it; globalSetup fails the run if it does not answer).
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    {
      name: 'pglite',
      open: async () => {
        const clone = clonePGliteTemplate();
        const handle = await openPGlite(clone.dataDir);
        return { ...handle, close: async () => { await handle.close(); clone.dispose(); } };
      },
    },
  ];
  if (databaseUrl) list.push({ name: 'postgres', open: async () => openPostgres(databaseUrl!) });
  return list;
}

/**
 * With DATABASE_URL: a new, empty database on the same server, for tests whose background jobs must not
 * meet other test apps' (a sweeper claims due rows of the whole database). Without it: null (PGlite copies
 * are private already).
 */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (!databaseUrl) return null;
  const name = `onsale_scratch_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = openPostgres(databaseUrl);
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin.db);
      await admin.close();
    },
  };
}
