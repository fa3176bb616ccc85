import 'reflect-metadata';
import { ConfigError, loadConfig, loadDotEnv } from '../../internal/config/config';
import { openPGlite, openPostgres } from '../../pkg/postgres/database';
import { migrateToLatest } from '../../pkg/postgres/migrate';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const database = config.databaseUrl ? openPostgres(config.databaseUrl, { queryTimeoutMs: 0 }) : await openPGlite(config.dataDir);
  try {
    const applied = await migrateToLatest(database.db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
