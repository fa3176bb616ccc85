import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { Metrics } from '../../lib/adapter/metrics';
import type { Controller } from './controller';

/** GET /metrics for Prometheus. Public like /health; put it behind the network edge in production. */
@injectable()
export class MetricsController implements Controller {
  constructor(@inject(Metrics) private readonly metrics: Metrics) {}

  register(router: Router): void {
    router.get('/metrics', async (_req, res) => {
      const { contentType, body } = await this.metrics.render();
      res.type(contentType).send(body);
    });
  }
}
