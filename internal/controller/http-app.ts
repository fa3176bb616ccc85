import express, { type Express } from 'express';
import { inject, injectable, multiInject } from 'inversify';
import { Logger } from '../../lib/adapter/logger';
import { NotFoundError } from '../../lib/domain/errors';
import { Controller } from './controller';
import { problemHandler } from './problem';
import { requestContextMiddleware } from './request-context.middleware';

/** Assembles the Express application from every bound controller. */
@injectable()
export class HttpApp {
  constructor(
    @multiInject(Controller) private readonly controllers: Controller[],
    @inject(Logger) private readonly logger: Logger,
  ) {}

  build(): Express {
    const app = express();
    app.disable('x-powered-by');
    app.use(requestContextMiddleware(this.logger));
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
