import type { RequestHandler, Response } from 'express';
import { inject, injectable } from 'inversify';
import { Logger } from '../../lib/adapter/logger';
import { IdempotencyService } from '../service/idempotency.service';
import { principalOf } from './auth';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return body === undefined ? '' : JSON.stringify(body);
}

/**
 * Honours `Idempotency-Key` on a route (after auth and body parsing). The outcome is recorded before the
 * response leaves, so a client that retries the moment it gets an answer is replayed, never told "in flight".
 */
@injectable()
export class Idempotency {
  readonly handler: RequestHandler;

  constructor(
    @inject(IdempotencyService) private readonly idempotency: IdempotencyService,
    @inject(Logger) private readonly logger: Logger,
  ) {
    this.handler = async (req, res, next) => {
      const key = req.get(IDEMPOTENCY_HEADER);
      if (key === undefined) return next();
      const ref = { userId: principalOf(res).userId, key };
      const stored = await this.idempotency.begin(ref, { method: req.method, path: req.originalUrl, body: req.body });
      if (stored) {
        res.status(stored.status).setHeader('Idempotent-Replayed', 'true');
        res.type(stored.contentType).send(stored.body);
        return;
      }
      this.recordBeforeSending(res, ref);
      next();
    };
  }

  private recordBeforeSending(res: Response, ref: { userId: string; key: string }): void {
    const send = res.send;
    // res.json and the problem handler both end in res.send; everything these routes answer passes here.
    res.send = (body?: unknown) => {
      res.send = send;
      const response = { status: res.statusCode, contentType: String(res.getHeader('Content-Type') ?? 'application/json'), body: bodyText(body) };
      this.idempotency
        .finish(ref, response)
        // The change itself is done: answer anyway. The claim stays in flight until it goes stale.
        .catch((error: unknown) => this.logger.warn('idempotency record failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => send.call(res, body));
      return res;
    };
  }
}
