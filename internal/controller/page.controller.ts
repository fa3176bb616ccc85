import { resolve } from 'node:path';
import express, { type Router } from 'express';
import { injectable } from 'inversify';
import type { Controller } from './controller';

// The build copies web/ next to the compiled controllers, so this path holds in src and in dist.
const WEB = resolve(__dirname, 'web');

/** The seat-map page at `/` and its assets under `/app/`: static files, no build step. */
@injectable()
export class PageController implements Controller {
  register(router: Router): void {
    router.get('/', (_req, res) => {
      res.sendFile(resolve(WEB, 'index.html'));
    });
    router.use('/app', express.static(WEB, { index: false, maxAge: '5m' }));
  }
}
