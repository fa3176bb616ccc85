import { inject, injectable } from 'inversify';
import { Logger } from '../../lib/adapter/logger';
import { DependencyUnavailableError } from '../../lib/domain/errors';
import type { IdempotencyKeyRef, StoredResponse } from '../../lib/repository/idempotency-store';
import { IdempotencyService } from '../service/idempotency.service';
import { JSON_CONTENT_TYPE, type LeanRoute, type RouteAnswer, type RouteCall } from './controller';
import { problemFor, problemResponse } from './problem';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * Honours `Idempotency-Key` on a route, whichever way the request came in (Express or the lean lane):
 * it wraps the route's `handle`, which runs after auth and body parsing. The outcome, an answer or the
 * problem an error becomes, is recorded before the response leaves, so a client that retries the moment
 * it gets an answer is replayed, never told "in flight".
 */
@injectable()
export class Idempotency {
  constructor(
    @inject(IdempotencyService) private readonly idempotency: IdempotencyService,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  route(route: LeanRoute): LeanRoute {
    return { ...route, handle: (call) => this.handle(route, call) };
  }

  private async handle(route: LeanRoute, call: RouteCall): Promise<RouteAnswer> {
    const key = call.header(IDEMPOTENCY_HEADER);
    if (key === undefined) return route.handle(call);
    const ref = { userId: call.principal.userId, key };
    const stored = await this.idempotency.begin(ref, { method: route.method, path: call.path, body: call.body });
    if (stored) return { status: stored.status, headers: { 'Idempotent-Replayed': 'true' }, text: { contentType: stored.contentType, body: stored.body } };
    let answer: RouteAnswer;
    try {
      answer = await route.handle(call);
    } catch (error) {
      // The change may still be applied (a statement past its deadline): the claim stays in flight, so a
      // retry is told 409 rather than run the request a second time. It goes stale like a dead process's.
      if (error instanceof DependencyUnavailableError && error.outcomeUnknown) throw error;
      const problem = problemResponse(problemFor(error));
      await this.finish(ref, { status: problem.status, contentType: problem.headers['Content-Type']!, body: problem.body });
      throw error;
    }
    // Serialised once: the text recorded is the text sent.
    const text = answer.text ?? { contentType: JSON_CONTENT_TYPE, body: JSON.stringify(answer.json) };
    await this.finish(ref, { status: answer.status, ...text });
    return { status: answer.status, headers: answer.headers, text };
  }

  private async finish(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void> {
    try {
      await this.idempotency.finish(ref, response);
    } catch (error) {
      // The change itself is done: answer anyway. The claim stays in flight until it goes stale.
      this.logger.warn('idempotency record failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
