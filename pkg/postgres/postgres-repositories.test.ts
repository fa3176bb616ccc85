import { eventRepositoryContract } from '../../lib/repository/event-repository.contract';
import { seatRepositoryContract } from '../../lib/repository/seat-repository.contract';
import { testDatabases } from '../../test/support/databases';
import { PostgresEventRepository } from './postgres-event-repository';
import { PostgresSeatRepository } from './postgres-seat-repository';

describe.each(testDatabases())('Kysely repositories on $name', (database) => {
  describe('EventRepository contract', () => {
    eventRepositoryContract(async () => {
      const handle = await database.open();
      return { repository: new PostgresEventRepository(handle.db), close: handle.close };
    });
  });

  describe('SeatRepository contract', () => {
    seatRepositoryContract(async () => {
      const handle = await database.open();
      return { seats: new PostgresSeatRepository(handle.db), events: new PostgresEventRepository(handle.db), close: handle.close };
    });
  });
});
