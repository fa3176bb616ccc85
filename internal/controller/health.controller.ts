import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { HealthService } from '../service/health.service';
import type { Controller } from './controller';

@injectable()
export class HealthController implements Controller {
  constructor(@inject(HealthService) private readonly health: HealthService) {}

  register(router: Router): void {
    router.get('/health', async (_req, res) => {
      const report = await this.health.check();
      if (report.status !== 'ok') res.setHeader('Retry-After', '5');
      res.status(report.status === 'ok' ? 200 : 503).json(report);
    });
  }
}
