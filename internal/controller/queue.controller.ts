import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { QueueService } from '../service/queue.service';
import { Auth, principalOf } from './auth';
import { API_PREFIX, routeCall, sendAnswer, type Controller, type LeanRoute } from './controller';
import { jsonBody } from './json-body';
import { idParam } from './params';
import { JoinQueueDto, joinedJson, ProcessQueueDto, RefreshSessionDto, statusJson } from './queue.dto';
import { parseBody } from './validation';

const BASE = `${API_PREFIX}/queue`;

/**
 * The waiting room's routes. A buyer who joins, refreshes or leaves is always the token's subject, never a
 * field of the request; a path's user id is only read, by that user or an admin.
 */
@injectable()
export class QueueController implements Controller {
  /** A waiting buyer polls this: served by the lean lane when the request allows it. */
  private readonly position: LeanRoute = {
    method: 'GET',
    path: `${BASE}/position/:event_id/:user_id`,
    auth: 'required',
    handle: async ({ principal, params }) => {
      const entry = await this.queue.position(principal, idParam({ params }, 'event_id', 'Event'), params.user_id!);
      return { status: 200, json: { position: entry.position, status: entry.status } };
    },
  };

  constructor(
    @inject(QueueService) private readonly queue: QueueService,
    @inject(Auth) private readonly auth: Auth,
  ) {}

  leanRoutes(): LeanRoute[] {
    return [this.position];
  }

  register(router: Router): void {
    router.post(`${BASE}/join`, this.auth.user, jsonBody(), async (req, res) => {
      const body = parseBody(JoinQueueDto, req.body);
      const joined = await this.queue.join(principalOf(res), body.event_id.toLowerCase());
      res.status(joined.created ? 201 : 200).json(joinedJson(joined));
    });

    router.get(this.position.path, this.auth.user, async (req, res) => {
      sendAnswer(res, await this.position.handle(routeCall(req, res)));
    });

    router.get(`${BASE}/status/:session_id`, this.auth.user, async (req, res) => {
      res.json(statusJson(await this.queue.status(principalOf(res), idParam(req, 'session_id', 'Queue session'))));
    });

    router.get(`${BASE}/length/:event_id`, async (req, res) => {
      res.json(await this.queue.length(idParam(req, 'event_id', 'Event')));
    });

    router.post(`${BASE}/process/:event_id`, this.auth.admin, jsonBody(), async (req, res) => {
      const eventId = idParam(req, 'event_id', 'Event');
      const body = parseBody(ProcessQueueDto, req.body);
      res.json({ admitted: await this.queue.process(eventId, body.count) });
    });

    router.post(`${BASE}/refresh`, this.auth.user, jsonBody(), async (req, res) => {
      const body = parseBody(RefreshSessionDto, req.body);
      const entry = await this.queue.refresh(principalOf(res), body.session_id.toLowerCase());
      res.json(statusJson(entry));
    });

    router.delete(`${BASE}/:session_id`, this.auth.user, async (req, res) => {
      await this.queue.leave(principalOf(res), idParam(req, 'session_id', 'Queue session'));
      res.status(204).end();
    });
  }
}
