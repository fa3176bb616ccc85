import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { inject, injectable, multiInject } from 'inversify';
import { Config } from '../config/config';
import { Logger } from '../../lib/adapter/logger';
import { Metrics } from '../../lib/adapter/metrics';
import { RateLimiter } from '../../lib/adapter/rate-limiter';
import { NotFoundError } from '../../lib/domain/errors';
import { Controller } from './controller';
import { problemHandler } from './problem';
import { urlLengthLimit } from './limits';
import { ipRateLimit } from './rate-limit';
import { requestContextMiddleware } from './request-context.middleware';

/** Assembles the Express application from every bound controller. */
@injectable()
export class HttpApp {
  constructor(
    @multiInject(Controller) private readonly controllers: Controller[],
    @inject(Logger) private readonly logger: Logger,
    @inject(Config) private readonly config: Config,
    @inject(RateLimiter) private readonly rateLimiter: RateLimiter,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  build(): Express {
    const app = express();
    app.disable('x-powered-by');
    // Responses are per-user and change by the second; ETags only cost hashing.
    app.set('etag', false);
    app.set('trust proxy', this.config.trustProxy);
    app.use(requestContextMiddleware(this.logger, this.metrics));
    app.use(urlLengthLimit);
    app.use(helmet());
    if (this.config.corsOrigins.length > 0) {
      const origins = this.config.corsOrigins;
      app.use(
        cors({
          origin: origins.includes('*') ? '*' : origins,
          allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'X-Queue-Session', 'Last-Event-ID'],
          exposedHeaders: ['Retry-After', 'X-Request-Id', 'Location'],
          maxAge: 600,
        }),
      );
    }
    app.use(ipRateLimit(this.rateLimiter));
    const router = express.Router();
    for (const controller of this.controllers) controller.register(router);
    app.use(router);
    app.use((req) => {
      throw new NotFoundError(`Route ${req.method} ${req.path}`);
    });
    app.use(problemHandler(this.logger));
    return app;
  }
}
