import type { Request, Router } from 'express';
import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../lib/domain/errors';
import { PurchaseService } from '../service/purchase.service';
import { TicketService } from '../service/ticket.service';
import { Auth, principalOf } from './auth';
import { API_PREFIX, routeCall, sendAnswer, type Controller, type LeanRoute } from './controller';
import { IDEMPOTENCY_HEADER, Idempotency } from './idempotency';
import { jsonBody } from './json-body';
import { idParam, pageQuery } from './params';
import { assertEmptyBody, historyJson, PurchaseDto, ticketJson, TicketStatusDto, toPurchaseRequest } from './ticket.dto';
import { parseBody } from './validation';

// No whitespace, slash or control character: ids come from token subjects, and Postgres refuses U+0000.
const USER_ID = /^[^\s/\u0000-\u001f\u007f]{1,200}$/;

function userIdParam(req: Request): string {
  const value = req.params.user_id;
  if (typeof value !== 'string' || !USER_ID.test(value)) throw new NotFoundError('User', String(value));
  return value;
}

const BASE = `${API_PREFIX}/tickets`;

@injectable()
export class TicketController implements Controller {
  /** The funnel after a hold, retry-safe with Idempotency-Key; served by the lean lane when the request allows it. */
  private readonly lifecycle: LeanRoute[];

  constructor(
    @inject(TicketService) private readonly tickets: TicketService,
    @inject(PurchaseService) private readonly purchases: PurchaseService,
    @inject(Auth) private readonly auth: Auth,
    @inject(Idempotency) idempotency: Idempotency,
  ) {
    const post = (path: string, handle: LeanRoute['handle']): LeanRoute => idempotency.route({ method: 'POST', path: `${BASE}${path}`, auth: 'required', handle });
    this.lifecycle = [
      post('/purchase', async ({ principal, body, header }) => {
        const request = toPurchaseRequest(parseBody(PurchaseDto, body));
        const tickets = await this.purchases.purchase(principal, { ...request, queueSessionId: header('X-Queue-Session'), attemptKey: header(IDEMPOTENCY_HEADER) });
        return { status: 201, json: { tickets: tickets.map(ticketJson) } };
      }),
      post('/:id/confirm', async ({ principal, params, body }) => {
        assertEmptyBody(body);
        return { status: 200, json: ticketJson(await this.tickets.confirm(principal, idParam({ params }, 'id', 'Ticket'))) };
      }),
      post('/:id/cancel', async ({ principal, params, body }) => {
        assertEmptyBody(body);
        return { status: 200, json: ticketJson(await this.tickets.cancel(principal, idParam({ params }, 'id', 'Ticket'))) };
      }),
    ];
  }

  leanRoutes(): LeanRoute[] {
    return this.lifecycle;
  }

  register(router: Router): void {
    for (const route of this.lifecycle) {
      router.post(route.path, this.auth.user, jsonBody(), async (req, res) => {
        sendAnswer(res, await route.handle(routeCall(req, res)));
      });
    }

    // Before /:id/history, so that a user called "history" still lists their tickets.
    router.get(`${BASE}/user/:user_id`, this.auth.user, async (req, res) => {
      const page = await this.tickets.listForUser(principalOf(res), userIdParam(req), pageQuery(req, { limit: 100, max: 1_000 }));
      res.json({ tickets: page.items.map(ticketJson), next_cursor: page.nextCursor });
    });

    router.get(`${BASE}/:id`, this.auth.user, async (req, res) => {
      res.json(ticketJson(await this.tickets.get(principalOf(res), idParam(req, 'id', 'Ticket'))));
    });

    router.get(`${BASE}/:id/history`, this.auth.user, async (req, res) => {
      const history = await this.tickets.history(principalOf(res), idParam(req, 'id', 'Ticket'));
      res.json({ history: history.map(historyJson) });
    });

    router.patch(`${BASE}/:id/status`, this.auth.admin, jsonBody(), async (req, res) => {
      const { status } = parseBody(TicketStatusDto, req.body);
      res.json(ticketJson(await this.tickets.setStatus(principalOf(res), idParam(req, 'id', 'Ticket'), status)));
    });
  }
}
