import { ContainerModule } from 'inversify';
import { Clock } from '../../../lib/adapter/clock';
import { Metrics } from '../../../lib/adapter/metrics';
import { Auth } from '../../../internal/controller/auth';
import { Controller } from '../../../internal/controller/controller';
import { DocsController } from '../../../internal/controller/docs.controller';
import { EventController } from '../../../internal/controller/event.controller';
import { HealthController } from '../../../internal/controller/health.controller';
import { HttpApp } from '../../../internal/controller/http-app';
import { MetricsController } from '../../../internal/controller/metrics.controller';
import { PageController } from '../../../internal/controller/page.controller';
import { SeatController } from '../../../internal/controller/seat.controller';
import { StreamController } from '../../../internal/controller/stream.controller';
import { EventService } from '../../../internal/service/event.service';
import { HealthService } from '../../../internal/service/health.service';
import { SeatService } from '../../../internal/service/seat.service';
import { AvailabilityPublisher } from '../../../internal/service/availability-publisher';
import { SeatCatalog } from '../../../internal/service/seat-catalog';
import { HoldExpiryReporter } from '../../../internal/service/hold-expiry-reporter';
import { StreamHub } from '../../../internal/service/stream-hub';
import { PrometheusMetrics } from '../../../pkg/prometheus/prometheus-metrics';
import { SystemClock } from '../../../pkg/system/system-clock';

/** Services and controllers: the same in every storage mode. */
export const coreModule = new ContainerModule(({ bind }) => {
  bind(Clock).toConstantValue(new SystemClock());
  bind(Metrics).toConstantValue(new PrometheusMetrics());
  bind(HealthService).toSelf();
  bind(EventService).toSelf();
  bind(SeatService).toSelf();
  bind(StreamHub).toSelf();
  bind(HoldExpiryReporter).toSelf();
  bind(SeatCatalog).toSelf();
  bind(AvailabilityPublisher).toSelf();

  bind(Auth).toSelf();
  bind(HttpApp).toSelf();
  bind(Controller).to(HealthController);
  bind(Controller).to(MetricsController);
  bind(Controller).to(DocsController);
  bind(Controller).to(PageController);
  bind(Controller).to(EventController);
  bind(Controller).to(SeatController);
  bind(Controller).to(StreamController);
});
