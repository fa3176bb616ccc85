import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { HoldService } from '../service/hold.service';
import { Auth, principalOf } from './auth';
import { API_PREFIX, routeCall, sendAnswer, type Controller, type LeanRoute } from './controller';
import { ExtendHoldDto, HoldBodyDto, holdJson } from './hold.dto';
import { jsonBody } from './json-body';
import { idParam } from './params';
import { parseBody } from './validation';

const BASE = `${API_PREFIX}/holds`;

@injectable()
export class HoldController implements Controller {
  /** POST /holds: the hot path of an on-sale, served by the lean lane when the request allows it. */
  private readonly create: LeanRoute = {
    method: 'POST',
    path: BASE,
    auth: 'required',
    handle: async ({ principal, body: raw, header }) => {
      const body = parseBody(HoldBodyDto, raw);
      const hold = await this.holds.hold(principal, {
        eventId: body.event_id.toLowerCase(),
        seatIds: body.seat_ids ?? undefined,
        quantity: body.quantity ?? undefined,
        ttlSeconds: body.ttl_seconds ?? undefined,
        queueSessionId: header('X-Queue-Session'),
      });
      return { status: 201, headers: { Location: `${BASE}/${hold.id}` }, json: holdJson(hold) };
    },
  };

  constructor(
    @inject(HoldService) private readonly holds: HoldService,
    @inject(Auth) private readonly auth: Auth,
  ) {}

  leanRoutes(): LeanRoute[] {
    return [this.create];
  }

  register(router: Router): void {
    router.post(BASE, this.auth.user, jsonBody(), async (req, res) => {
      sendAnswer(res, await this.create.handle(routeCall(req, res)));
    });

    router.get(`${BASE}/:id`, this.auth.user, async (req, res) => {
      res.json(holdJson(await this.holds.get(principalOf(res), idParam(req, 'id', 'Hold'))));
    });

    router.delete(`${BASE}/:id`, this.auth.user, async (req, res) => {
      await this.holds.release(principalOf(res), idParam(req, 'id', 'Hold'));
      res.status(204).end();
    });

    router.post(`${BASE}/:id/extend`, this.auth.user, jsonBody(), async (req, res) => {
      const id = idParam(req, 'id', 'Hold');
      const body = parseBody(ExtendHoldDto, req.body);
      res.json(holdJson(await this.holds.extend(principalOf(res), id, body.ttl_seconds)));
    });
  }
}
