import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { EventService } from '../service/event.service';
import { Auth } from './auth';
import { API_PREFIX, type Controller } from './controller';
import { EventBodyDto, eventDetailJson, eventJson, toEventDraft } from './event.dto';
import { jsonBody } from './json-body';
import { idParam } from './params';
import { parseBody } from './validation';

@injectable()
export class EventController implements Controller {
  constructor(
    @inject(EventService) private readonly events: EventService,
    @inject(Auth) private readonly auth: Auth,
  ) {}

  register(router: Router): void {
    const base = `${API_PREFIX}/events`;

    router.post(base, this.auth.admin, jsonBody(), async (req, res) => {
      const view = await this.events.create(toEventDraft(parseBody(EventBodyDto, req.body)));
      res.status(201).location(`${base}/${view.event.id}`).json(eventJson(view));
    });

    router.get(`${base}/active`, async (_req, res) => {
      const views = await this.events.listActive();
      res.json({ events: views.map(eventJson) });
    });

    router.get(`${base}/:id`, async (req, res) => {
      res.json(eventDetailJson(await this.events.get(idParam(req, 'id', 'Event'))));
    });

    router.put(`${base}/:id`, this.auth.admin, jsonBody(), async (req, res) => {
      const id = idParam(req, 'id', 'Event');
      const view = await this.events.update(id, toEventDraft(parseBody(EventBodyDto, req.body)));
      res.json(eventJson(view));
    });

    router.delete(`${base}/:id`, this.auth.admin, async (req, res) => {
      await this.events.delete(idParam(req, 'id', 'Event'));
      res.status(204).end();
    });
  }
}
