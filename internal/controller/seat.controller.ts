import type { Router } from 'express';
import { inject, injectable } from 'inversify';
import { SeatService } from '../service/seat.service';
import { Auth } from './auth';
import { API_PREFIX, type Controller } from './controller';
import { jsonBody } from './json-body';
import { idParam, pageQuery } from './params';
import { AddSeatsDto, seatJson, toSeatDraft } from './seat.dto';
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

    router.get(base, async (req, res) => {
      const page = await this.seats.list(idParam(req, 'id', 'Event'), pageQuery(req), false);
      res.json({ seats: page.items.map((seat) => seatJson(seat)), next_cursor: page.nextCursor });
    });

    router.get(`${base}/available`, async (req, res) => {
      const page = await this.seats.list(idParam(req, 'id', 'Event'), pageQuery(req), true);
      res.json({ seats: page.items.map((seat) => seatJson(seat)), next_cursor: page.nextCursor });
    });

    router.get(`${base}/:seat_id`, async (req, res) => {
      const seat = await this.seats.get(idParam(req, 'id', 'Event'), idParam(req, 'seat_id', 'Seat'));
      res.json(seatJson(seat));
    });
  }
}
