import { CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type QueryResult, type RawBuilder } from 'kysely';

// The hottest statements are compiled by Kysely once, at load, with a named slot where each value goes;
// a call only fills the slots. Building and compiling an operation tree per call (and camelCasing its
// identifiers) cost 25-60 us of CPU per statement on the purchase path. Values still travel only as bind
// parameters.

/** Where one named value goes in a prepared statement. */
class Slot {
  constructor(readonly name: string) {}
}

// pg and PGlite both take Postgres SQL with $n parameters: one compile serves either.
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * SQL text of each prepared statement -> the name the pg driver prepares it under, once per connection
 * (database.ts), so that Postgres parses and plans it once instead of on every call.
 */
export const PREPARED_STATEMENT_NAMES = new Map<string, string>();

export type Prepared<P, R> = (db: Kysely<any>, params: P) => Promise<QueryResult<R>>;

/**
 * Compiles `build` once. It receives a slot per parameter name to interpolate into a `sql` template; the
 * returned function runs the statement on `db` (a transaction too) with the values given by name. Result
 * rows pass through `db`'s plugins (snake_case columns come back camelCased).
 */
export function prepare<P extends object, R>(name: string, build: (slots: { [K in keyof P]: Slot }) => RawBuilder<R>): Prepared<P, R> {
  const slots = new Proxy({} as { [K in keyof P]: Slot }, { get: (_, key) => new Slot(String(key)) });
  const compiled = build(slots).compile(compiler);
  const order = compiled.parameters.map((parameter) => {
    if (!(parameter instanceof Slot)) throw new Error(`prepared statement ${name}: interpolate slots only`);
    return parameter.name as keyof P;
  });
  const statementName = `onsale_${name}`;
  if ([...PREPARED_STATEMENT_NAMES.values()].includes(statementName)) throw new Error(`prepared statement ${name} defined twice`);
  PREPARED_STATEMENT_NAMES.set(compiled.sql, statementName);
  return (db, params) => db.executeQuery<R>(CompiledQuery.raw(compiled.sql, order.map((key) => params[key])));
}
