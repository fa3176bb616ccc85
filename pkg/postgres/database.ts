import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { PREPARED_STATEMENT_NAMES } from './prepared';
import type { Database } from './tables';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const INT8 = 20;

// Columns are snake_case in SQL and camelCase in TypeScript; jsonb values keep the keys they were written with.
const camelCase = () => new CamelCasePlugin({ maintainNestedObjectKeys: true });
// pg returns int8 (count(*), sums) as strings and PGlite as numbers; our counts fit in a double.
const parseInt8 = (value: string): number => Number(value);

/**
 * A pg client that runs the statements of prepared.ts as named prepared statements: parsed and planned once
 * per connection instead of once per call. Everything else goes through untouched.
 */
class PreparingClient extends pg.Client {
  override query(config: unknown, values?: unknown, callback?: unknown): any {
    const name = typeof config === 'string' && Array.isArray(values) ? PREPARED_STATEMENT_NAMES.get(config) : undefined;
    const query = super.query as (...args: unknown[]) => unknown;
    return name ? query.call(this, { name, text: config, values }, callback) : query.call(this, config, values, callback);
  }
}

/**
 * How long one statement may go unanswered. The longest a request's statement legitimately takes is a
 * 1,000-row insert or a 50,000-seat status read, well under a second; only a stalled, frozen or partitioned
 * server (connected but silent, which no connect timeout catches) comes near it. Past it the caller answers
 * 503 instead of holding the request open. Migrations may run longer and go without it.
 */
export const QUERY_TIMEOUT_MS = 5_000;

export interface PostgresOptions {
  poolSize?: number;
  /** Per statement; 0 for none (migrations). QUERY_TIMEOUT_MS by default. */
  queryTimeoutMs?: number;
  /** Called for errors on idle pooled clients (e.g. the server restarted); they must not crash the process. */
  onIdleError?: (error: Error) => void;
}

export function openPostgres(url: string, options: PostgresOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max: options.poolSize ?? 20,
    // Fail fast rather than hang when the server is down: callers answer 503 with Retry-After.
    connectionTimeoutMillis: 2_000,
    query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    types: { getTypeParser: ((oid: number, format?: string) => (oid === INT8 ? parseInt8 : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [camelCase()] });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/**
 * Opens the embedded database under `dataDir`. PGlite would let a second process open the same directory
 * and corrupt it, so the directory is locked for as long as it is open.
 */
export async function openPGlite(dataDir: string): Promise<DatabaseHandle> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, { lockfilePath: `${dir}.lock`, stale: 15_000, update: 5_000 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new Error(`the data directory ${dir} is in use by another process (lock ${dir}.lock)`);
    }
    throw error;
  }
  const pglite = await PGlite.create(dir, { parsers: { [INT8]: parseInt8 } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins: [camelCase()] });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
      await release();
    },
  };
}

/** DI token of the shared Kysely instance. */
export const KYSELY = Symbol.for('Kysely');
