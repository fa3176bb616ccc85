import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { inject, injectable, multiInject } from 'inversify';
import proxyaddr from 'proxy-addr';
import { Config } from '../config/config';
import { Logger } from '../../lib/adapter/logger';
import { Metrics } from '../../lib/adapter/metrics';
import { RateLimiter } from '../../lib/adapter/rate-limiter';
import { NotFoundError } from '../../lib/domain/errors';
import { Auth } from './auth';
import { Controller } from './controller';
import { LeanLane } from './lean-lane';
import { problemHandler } from './problem';
import { urlLengthLimit } from './limits';
import { ipRateLimit } from './rate-limit';
import { observeRequest, requestContextMiddleware } from './request-context.middleware';

/** What the HTTP server runs: the lean lane first (when on), Express for everything it does not take. */
export interface HttpHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** The Express application behind it (route listing, tests). */
  readonly express: Express;
  /** The lean lane, when LEAN_LANE is on. */
  readonly lane: LeanLane | null;
}

/** Assembles the Express application from every bound controller, and the lean lane in front of it. */
@injectable()
export class HttpApp {
  constructor(
    @multiInject(Controller) private readonly controllers: Controller[],
    @inject(Logger) private readonly logger: Logger,
    @inject(Config) private readonly config: Config,
    @inject(RateLimiter) private readonly rateLimiter: RateLimiter,
    @inject(Metrics) private readonly metrics: Metrics,
    @inject(Auth) private readonly auth: Auth,
  ) {}

  build(): HttpHandler {
    const securityHeaders = helmet();
    const app = this.express(securityHeaders);
    const lane = this.config.leanLane ? this.lane(app, securityHeaders) : null;
    const handler = lane ? (req: IncomingMessage, res: ServerResponse) => void (lane.serve(req, res) || app(req, res)) : (req: IncomingMessage, res: ServerResponse) => void app(req, res);
    return Object.assign(handler, { express: app, lane });
  }

  private express(securityHeaders: RequestHandler): Express {
    const app = express();
    app.disable('x-powered-by');
    // Responses are per-user and change by the second; ETags only cost hashing.
    app.set('etag', false);
    app.set('trust proxy', this.config.trustProxy);
    app.use(requestContextMiddleware(this.logger, this.metrics));
    app.use(urlLengthLimit);
    app.use(securityHeaders);
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

  private lane(app: Express, securityHeaders: RequestHandler): LeanLane {
    const trust = app.get('trust proxy fn') as Parameters<typeof proxyaddr>[1];
    return new LeanLane(
      this.controllers.flatMap((controller) => controller.leanRoutes?.() ?? []),
      {
        auth: this.auth,
        rateLimiter: this.rateLimiter,
        logger: this.logger,
        observe: observeRequest(this.logger, this.metrics),
        clientAddress: (req) => proxyaddr(req, trust),
        headers: recordedHeaders(securityHeaders),
        corsEnabled: this.config.corsOrigins.length > 0,
      },
    );
  }
}

/** The headers a header-only middleware (helmet) sets, recorded once by running it on a stand-in response. */
function recordedHeaders(middleware: RequestHandler): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => {},
  };
  middleware({ headers: {} } as never, recorder as never, () => {});
  return headers;
}
