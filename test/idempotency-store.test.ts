import { sql } from 'kysely';
import { idempotencyStoreContract } from '../lib/repository/idempotency-store.contract';
import { openPostgres } from '../pkg/postgres/database';
import { migrateToLatest } from '../pkg/postgres/migrate';
import { PostgresIdempotencyStore } from '../pkg/postgres/postgres-idempotency-store';
import { PREPARED_STATEMENT_NAMES } from '../pkg/postgres/prepared';
import { scratchDatabase, testDatabases } from './support/databases';

describe.each(testDatabases())('IdempotencyStore contract on $name', (database) => {
  idempotencyStoreContract(async () => {
    const handle = await database.open();
    return { store: new PostgresIdempotencyStore(handle.db), close: handle.close };
  });
});

// Each pooled connection keeps the generic plan it made on first use, often while the table was nearly
// empty; a plan that scans the keys then keeps scanning them however many there are.
describe('completing keys, planned while idempotency_keys is empty', () => {
  it('finds and updates each key by primary key, not by a sequential scan', async () => {
    const scratch = await scratchDatabase();
    const handle = scratch ? openPostgres(scratch.url) : await testDatabases()[0]!.open();
    try {
      await migrateToLatest(handle.db);
      const [text] = [...PREPARED_STATEMENT_NAMES].find(([, name]) => name === 'onsale_idempotency_complete')!;
      const plan = await handle.db.connection().execute(async (conn) => {
        await sql`SET plan_cache_mode = force_generic_plan`.execute(conn);
        await sql.raw(`PREPARE probe AS ${text}`).execute(conn);
        // A generic plan does not depend on the values: nulls are enough to show it.
        const { rows } = await sql.raw(`EXPLAIN EXECUTE probe(${Array(5).fill('NULL').join(', ')})`).execute(conn);
        await sql`DEALLOCATE probe`.execute(conn);
        await sql`RESET plan_cache_mode`.execute(conn);
        return rows.map((row) => Object.values(row as object)[0]).join('\n');
      });
      expect(plan).toMatch(/Index Scan using idempotency_keys_pkey on idempotency_keys k\b/);
      expect(plan).not.toMatch(/Seq Scan on idempotency_keys/);
    } finally {
      await handle.close();
      await scratch?.drop();
    }
  });
});
