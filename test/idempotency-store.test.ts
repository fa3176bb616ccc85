import { idempotencyStoreContract } from '../lib/repository/idempotency-store.contract';
import { PostgresIdempotencyStore } from '../pkg/postgres/postgres-idempotency-store';
import { testDatabases } from './support/databases';

describe.each(testDatabases())('IdempotencyStore contract on $name', (database) => {
  idempotencyStoreContract(async () => {
    const handle = await database.open();
    return { store: new PostgresIdempotencyStore(handle.db), close: handle.close };
  });
});
