import { ContainerModule } from 'inversify';
import { HealthProbe } from '../../../lib/adapter/health-probe';
import { EventRepository } from '../../../lib/repository/event-repository';
import { SeatRepository } from '../../../lib/repository/seat-repository';
import { KYSELY, type DatabaseHandle } from '../../../pkg/postgres/database';
import { DatabaseHealthProbe } from '../../../pkg/postgres/database-health-probe';
import { PostgresEventRepository } from '../../../pkg/postgres/postgres-event-repository';
import { PostgresSeatRepository } from '../../../pkg/postgres/postgres-seat-repository';

/** Repositories over Kysely; the same classes serve real Postgres and embedded PGlite. */
export function postgresModule(database: DatabaseHandle): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KYSELY).toConstantValue(database.db);
    bind(HealthProbe).toConstantValue(new DatabaseHealthProbe(database.db));
    bind(EventRepository).to(PostgresEventRepository);
    bind(SeatRepository).to(PostgresSeatRepository);
  });
}
