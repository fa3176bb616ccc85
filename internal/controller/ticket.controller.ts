import type { Request, Router } from 'express';
import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../lib/domain/errors';
import { PurchaseService } from '../service/purchase.service';
import { TicketService } from '../service/ticket.service';
import { Auth, principalOf } from './auth';
import { API_PREFIX, type Controller } from './controller';
import { Idempotency } from './idempotency.middleware';
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

@injectable()
export class TicketController implements Controller {
  constructor(
    @inject(TicketService) private readonly tickets: TicketService,
    @inject(PurchaseService) private readonly purchases: PurchaseService,
    @inject(Auth) private readonly auth: Auth,
    @inject(Idempotency) private readonly idempotency: Idempotency,
  ) {}

  register(router: Router): void {
    const base = `${API_PREFIX}/tickets`;
    const retrySafe = [this.auth.user, jsonBody(), this.idempotency.handler];

    router.post(`${base}/purchase`, ...retrySafe, async (req, res) => {
      const request = toPurchaseRequest(parseBody(PurchaseDto, req.body));
      const tickets = await this.purchases.purchase(principalOf(res), { ...request, queueSessionId: req.get('X-Queue-Session') });
      res.status(201).json({ tickets: tickets.map(ticketJson) });
    });

    router.post(`${base}/:id/confirm`, ...retrySafe, async (req, res) => {
      assertEmptyBody(req.body);
      res.json(ticketJson(await this.tickets.confirm(principalOf(res), idParam(req, 'id', 'Ticket'))));
    });

    router.post(`${base}/:id/cancel`, ...retrySafe, async (req, res) => {
      assertEmptyBody(req.body);
      res.json(ticketJson(await this.tickets.cancel(principalOf(res), idParam(req, 'id', 'Ticket'))));
    });

    // Before /:id/history, so that a user called "history" still lists their tickets.
    router.get(`${base}/user/:user_id`, this.auth.user, async (req, res) => {
      const page = await this.tickets.listForUser(principalOf(res), userIdParam(req), pageQuery(req, { limit: 100, max: 1_000 }));
      res.json({ tickets: page.items.map(ticketJson), next_cursor: page.nextCursor });
    });

    router.get(`${base}/:id`, this.auth.user, async (req, res) => {
      res.json(ticketJson(await this.tickets.get(principalOf(res), idParam(req, 'id', 'Ticket'))));
    });

    router.get(`${base}/:id/history`, this.auth.user, async (req, res) => {
      const history = await this.tickets.history(principalOf(res), idParam(req, 'id', 'Ticket'));
      res.json({ history: history.map(historyJson) });
    });

    router.patch(`${base}/:id/status`, this.auth.admin, jsonBody(), async (req, res) => {
      const { status } = parseBody(TicketStatusDto, req.body);
      res.json(ticketJson(await this.tickets.setStatus(principalOf(res), idParam(req, 'id', 'Ticket'), status)));
    });
  }
}
