import { ContainerModule } from 'inversify';
import { Controller } from '../../../internal/controller/controller';
import { Idempotency } from '../../../internal/controller/idempotency';
import { TicketController } from '../../../internal/controller/ticket.controller';
import { BackgroundJob } from '../../../internal/service/background-job';
import { IdempotencyService } from '../../../internal/service/idempotency.service';
import { PurchaseService } from '../../../internal/service/purchase.service';
import { TicketExpiryJob } from '../../../internal/service/ticket-expiry.job';
import { TicketService } from '../../../internal/service/ticket.service';
import { IdempotencyStore } from '../../../lib/repository/idempotency-store';
import { TicketRepository } from '../../../lib/repository/ticket-repository';
import { PostgresIdempotencyStore } from '../../../pkg/postgres/postgres-idempotency-store';
import { PostgresTicketRepository } from '../../../pkg/postgres/postgres-ticket-repository';

/** Tickets: Postgres in every mode (it is the last line against double-selling), plus the expiry sweeper. */
export const ticketsModule = new ContainerModule(({ bind }) => {
  bind(TicketRepository).to(PostgresTicketRepository);
  bind(IdempotencyStore).to(PostgresIdempotencyStore);
  bind(TicketService).toSelf();
  bind(PurchaseService).toSelf();
  bind(IdempotencyService).toSelf();
  bind(Idempotency).toSelf();
  bind(Controller).to(TicketController);
  bind(BackgroundJob).to(TicketExpiryJob);
});
