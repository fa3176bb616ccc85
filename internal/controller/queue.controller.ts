import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { QueueService } from '../service/queue.service';
import { Auth, principalOf } from './auth';
import { API_PREFIX, type Controller } from './controller';
import { jsonBody } from './json-body';
import { idParam } from './params';
import { JoinQueueDto, joinedJson, ProcessQueueDto, RefreshSessionDto, statusJson } from './queue.dto';
import { parseBody } from './validation';

/** The waiting room's routes. The buyer is always the token's subject, never a field of the request. */
@injectable()
export class QueueController implements Controller {
  constructor(
    @inject(QueueService) private readonly queue: QueueService,
    @inject(Auth) private readonly auth: Auth,
  ) {}

  register(router: Router): void {
    const base = `${API_PREFIX}/queue`;

    router.post(`${base}/join`, this.auth.user, jsonBody(), async (req, res) => {
      const body = parseBody(JoinQueueDto, req.body);
      const joined = await this.queue.join(principalOf(res), body.event_id.toLowerCase());
      res.status(joined.created ? 201 : 200).json(joinedJson(joined));
    });

    router.get(`${base}/position/:event_id/:user_id`, this.auth.user, async (req, res) => {
      const entry = await this.queue.position(principalOf(res), idParam(req, 'event_id', 'Event'), String(req.params.user_id));
      res.json({ position: entry.position, status: entry.status });
    });

    router.get(`${base}/status/:session_id`, this.auth.user, async (req, res) => {
      res.json(statusJson(await this.queue.status(principalOf(res), idParam(req, 'session_id', 'Queue session'))));
    });

    router.get(`${base}/length/:event_id`, async (req, res) => {
      res.json(await this.queue.length(idParam(req, 'event_id', 'Event')));
    });

    router.post(`${base}/process/:event_id`, this.auth.admin, jsonBody(), async (req, res) => {
      const eventId = idParam(req, 'event_id', 'Event');
      const body = parseBody(ProcessQueueDto, req.body);
      res.json({ admitted: await this.queue.process(eventId, body.count) });
    });

    router.post(`${base}/refresh`, this.auth.user, jsonBody(), async (req, res) => {
      const body = parseBody(RefreshSessionDto, req.body);
      const entry = await this.queue.refresh(principalOf(res), body.session_id.toLowerCase());
      res.json(statusJson(entry));
    });

    router.delete(`${base}/:session_id`, this.auth.user, async (req, res) => {
      await this.queue.leave(principalOf(res), idParam(req, 'session_id', 'Queue session'));
      res.status(204).end();
    });
  }
}
