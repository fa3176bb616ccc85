import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { isQueryReadTimeout } from './errors';
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
 * How long one statement may go unanswered. The longest a request's statement legitimately takes is a
 * 1,000-row insert or a 50,000-seat status read, well under a second; only a stalled, frozen or partitioned
 * server (connected but silent, which no connect timeout catches) comes near it. Past it the caller answers
 * 503 instead of holding the request open. Migrations may run longer and go without it.
 */
export const QUERY_TIMEOUT_MS = 5_000;
// A slow (not frozen) server cancels the statement itself this much before the client would give up on it:
// the outcome is then known (rolled back, SQLSTATE 57014) and the lock queue behind it drains.
const STATEMENT_MARGIN_MS = 500;
// Our transactions never wait between statements; one idle this long was abandoned (a backstop: a
// connection whose statement outlived its deadline closes itself).
const IDLE_IN_TRANSACTION_MS = 15_000;

/**
 * A pg client that runs the statements of prepared.ts as named prepared statements: parsed and planned once
 * per connection instead of once per call. It also closes itself when a statement outlives its deadline:
 * pg would keep the connection with the statement still active on the wire, and a timed-out BEGIN would then
 * open a transaction that the next borrower's statements silently run in. Closed, the server rolls back
 * whatever it has not committed, a queued ROLLBACK fails at once instead of waiting out its own deadline,
 * and the pool never hands the connection out again.
 */
class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // A connection lost while the pool has lent the client out (a restart, a failover, a terminated backend)
    // makes pg emit 'error' on it, and the pool listens only to idle clients: unheard, that event would end
    // the process. The statement in flight gets the same error and answers for it.
    this.on('error', () => {});
  }

  override query(config: unknown, values?: unknown, callback?: unknown): any {
    const name = typeof config === 'string' && Array.isArray(values) ? PREPARED_STATEMENT_NAMES.get(config) : undefined;
    const query = super.query as (...args: unknown[]) => unknown;
    const result = name ? query.call(this, { name, text: config, values }, callback) : query.call(this, config, values, callback);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (isQueryReadTimeout(error)) void this.end().catch(() => {});
      });
    }
    return result;
  }
}

export interface PostgresOptions {
  poolSize?: number;
  /** Per statement; 0 for none (migrations). QUERY_TIMEOUT_MS by default. */
  queryTimeoutMs?: number;
  /** Called for errors on idle pooled clients (e.g. the server restarted); they must not crash the process. */
  onIdleError?: (error: Error) => void;
}

export function openPostgres(url: string, options: PostgresOptions = {}): DatabaseHandle {
  const deadline = options.queryTimeoutMs ?? QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max: options.poolSize ?? 20,
    // Fail fast rather than hang when the server is down: callers answer 503 with Retry-After.
    connectionTimeoutMillis: 2_000,
    query_timeout: deadline,
    statement_timeout: deadline > STATEMENT_MARGIN_MS ? deadline - STATEMENT_MARGIN_MS : 0,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
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
