import express, { type Router } from 'express';
import helmet from 'helmet';
import { injectable } from 'inversify';
import swaggerUi from 'swagger-ui-express';
import { API_PREFIX, type Controller } from './controller';
import { buildOpenApi } from './openapi/document';
import { ROUTE_DOCS } from './openapi';

/** GET /api/v1/openapi.json and the interactive docs at /docs. */
@injectable()
export class DocsController implements Controller {
  private document: Record<string, unknown> | null = null;

  register(router: Router): void {
    router.get(`${API_PREFIX}/openapi.json`, (_req, res) => {
      // Built on first request: every DTO module is loaded by then, and start-up stays fast.
      this.document ??= buildOpenApi(ROUTE_DOCS);
      res.json(this.document);
    });
    const docs = express.Router();
    // A page: only GET and HEAD; anything else falls through to the 404 problem.
    docs.use((req, _res, next) => next(req.method === 'GET' || req.method === 'HEAD' ? undefined : 'router'));
    // Swagger UI styles itself inline; this page alone may.
    docs.use(helmet({ contentSecurityPolicy: { directives: { 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } } }));
    docs.use(swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: `${API_PREFIX}/openapi.json` } }));
    router.use('/docs', docs);
  }
}
