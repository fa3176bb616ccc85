import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { HoldService } from '../service/hold.service';
import { Auth, principalOf } from './auth';
import { API_PREFIX, type Controller } from './controller';
import { ExtendHoldDto, HoldBodyDto, holdJson } from './hold.dto';
import { jsonBody } from './json-body';
import { idParam } from './params';
import { parseBody } from './validation';

@injectable()
export class HoldController implements Controller {
  constructor(
    @inject(HoldService) private readonly holds: HoldService,
    @inject(Auth) private readonly auth: Auth,
  ) {}

  register(router: Router): void {
    const base = `${API_PREFIX}/holds`;

    router.post(base, this.auth.user, jsonBody(), async (req, res) => {
      const body = parseBody(HoldBodyDto, req.body);
      const hold = await this.holds.hold(principalOf(res), {
        eventId: body.event_id.toLowerCase(),
        seatIds: body.seat_ids ?? undefined,
        quantity: body.quantity ?? undefined,
        ttlSeconds: body.ttl_seconds ?? undefined,
        queueSessionId: req.get('X-Queue-Session'),
      });
      res.status(201).location(`${base}/${hold.id}`).json(holdJson(hold));
    });

    router.get(`${base}/:id`, this.auth.user, async (req, res) => {
      res.json(holdJson(await this.holds.get(principalOf(res), idParam(req, 'id', 'Hold'))));
    });

    router.delete(`${base}/:id`, this.auth.user, async (req, res) => {
      await this.holds.release(principalOf(res), idParam(req, 'id', 'Hold'));
      res.status(204).end();
    });

    router.post(`${base}/:id/extend`, this.auth.user, jsonBody(), async (req, res) => {
      const id = idParam(req, 'id', 'Hold');
      const body = parseBody(ExtendHoldDto, req.body);
      res.json(holdJson(await this.holds.extend(principalOf(res), id, body.ttl_seconds)));
    });
  }
}
