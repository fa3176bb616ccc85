import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { SeatService } from '../service/seat.service';
import { Auth, optionalPrincipalOf } from './auth';
import { API_PREFIX, type Controller } from './controller';
import { jsonBody } from './json-body';
import { idParam, pageQuery } from './params';
import { AddSeatsDto, seatViewJson, toSeatDraft } from './seat.dto';
import { parseBody } from './validation';

// 50,000 seats of ~60 bytes each exceed the 1 MB default; only this bulk route accepts more.
const BULK_SEATS_BODY_LIMIT = '8mb';

@injectable()
export class SeatController implements Controller {
  constructor(
    @inject(SeatService) private readonly seats: SeatService,
    @inject(Auth) private readonly auth: Auth,
  ) {}

  register(router: Router): void {
    const base = `${API_PREFIX}/events/:id/seats`;

    router.post(base, this.auth.admin, jsonBody(BULK_SEATS_BODY_LIMIT), async (req, res) => {
      const eventId = idParam(req, 'id', 'Event');
      const body = parseBody(AddSeatsDto, req.body);
      const created = await this.seats.addSeats(eventId, body.seats.map(toSeatDraft));
      res.status(201).json({ created });
    });

    // Reads are public; a token, when sent, lets the holder (or an admin) see who holds a seat.
    router.get(base, this.auth.optional, async (req, res) => {
      const page = await this.seats.list(idParam(req, 'id', 'Event'), pageQuery(req), false);
      res.json({ seats: page.items.map((view) => seatViewJson(view, optionalPrincipalOf(res))), next_cursor: page.nextCursor });
    });

    router.get(`${base}/available`, async (req, res) => {
      const page = await this.seats.list(idParam(req, 'id', 'Event'), pageQuery(req), true);
      res.json({ seats: page.items.map((view) => seatViewJson(view, undefined)), next_cursor: page.nextCursor });
    });

    router.get(`${base}/:seat_id`, this.auth.optional, async (req, res) => {
      const view = await this.seats.get(idParam(req, 'id', 'Event'), idParam(req, 'seat_id', 'Seat'));
      res.json(seatViewJson(view, optionalPrincipalOf(res)));
    });
  }
}
