import { Idempotency } from '../internal/controller/idempotency';
import type { LeanRoute, RouteCall } from '../internal/controller/controller';
import { IdempotencyService } from '../internal/service/idempotency.service';
import { ConflictError, DependencyUnavailableError } from '../lib/domain/errors';
import { newId } from '../lib/domain/id';
import { migrateToLatest } from '../pkg/postgres/migrate';
import { PostgresIdempotencyStore } from '../pkg/postgres/postgres-idempotency-store';
import { SystemClock } from '../pkg/system/system-clock';
import { WinstonLogger } from '../pkg/winston/winston-logger';
import { testDatabases } from './support/databases';
import type { DatabaseHandle } from '../pkg/postgres/database';

// A request whose change may still be applied must not be run again by a retry with the same key.
describe.each(testDatabases())('Idempotency-Key after a dependency failure, on $name', (database) => {
  let handle: DatabaseHandle;
  let idempotency: Idempotency;
  beforeAll(async () => {
    handle = await database.open();
    await migrateToLatest(handle.db);
    idempotency = new Idempotency(new IdempotencyService(new PostgresIdempotencyStore(handle.db), new SystemClock()), new WinstonLogger('silent'));
  });
  afterAll(() => handle.close());

  /** A route that fails with `error` on its first run and answers 201 after, counting its runs. */
  function failingOnce(error: Error) {
    let runs = 0;
    const route: LeanRoute = {
      method: 'POST',
      path: '/api/v1/tickets/purchase',
      auth: 'required',
      handle: async () => {
        runs += 1;
        if (runs === 1) throw error;
        return { status: 201, json: { run: runs } };
      },
    };
    return { route: idempotency.route(route), runs: () => runs };
  }

  const call = (key: string): RouteCall => ({
    principal: { userId: `buyer-${key}`, role: 'user' },
    path: '/api/v1/tickets/purchase',
    params: {},
    body: { hold_id: 'h' },
    header: (name) => (name === 'Idempotency-Key' ? key : undefined),
  });

  it('keeps the key in flight when the outcome is unknown: the retry is refused, not run', async () => {
    const key = newId();
    const { route, runs } = failingOnce(new DependencyUnavailableError('database', new Error('Query read timeout'), true));
    await expect(route.handle(call(key))).rejects.toBeInstanceOf(DependencyUnavailableError);
    const retry = route.handle(call(key));
    await expect(retry).rejects.toBeInstanceOf(ConflictError);
    await expect(retry).rejects.toMatchObject({ code: 'idempotency-in-flight' });
    expect(runs()).toBe(1);
  });

  it('lets the retry run when the failure changed nothing', async () => {
    const key = newId();
    const { route, runs } = failingOnce(new DependencyUnavailableError('database', new Error('connect ECONNREFUSED')));
    await expect(route.handle(call(key))).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(route.handle(call(key))).resolves.toMatchObject({ status: 201 });
    expect(runs()).toBe(2);
  });
});
