import { inject, injectable } from 'inversify';
import { ConflictError, NotFoundError } from '../../lib/domain/errors';
import type { Page, PageRequest } from '../../lib/domain/page';
import { seatLabel, type Seat, type SeatDraft } from '../../lib/domain/seat';
import { SeatRepository } from '../../lib/repository/seat-repository';
import { EventService } from './event.service';

@injectable()
export class SeatService {
  constructor(
    @inject(SeatRepository) private readonly seats: SeatRepository,
    @inject(EventService) private readonly events: EventService,
  ) {}

  async addSeats(eventId: string, drafts: SeatDraft[]): Promise<number> {
    const event = await this.events.require(eventId);
    if (!event.isSeatedEvent) {
      throw new ConflictError('not-a-seated-event', 'Seats can only be added to a seated event.');
    }
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const draft of drafts) {
      const label = seatLabel(draft);
      if (seen.has(label)) duplicates.add(label);
      seen.add(label);
    }
    if (duplicates.size > 0) {
      throw new ConflictError('duplicate-seat', 'The request lists the same seat more than once.', {
        extensions: { duplicate_seats: [...duplicates].slice(0, 100) },
      });
    }
    return this.seats.addMany(eventId, drafts);
  }

  async list(eventId: string, page: PageRequest, availableOnly: boolean): Promise<Page<Seat>> {
    await this.events.require(eventId);
    return this.seats.list(eventId, page, availableOnly ? 'available' : undefined);
  }

  async get(eventId: string, seatId: string): Promise<Seat> {
    const seat = await this.seats.findById(eventId, seatId);
    if (!seat) {
      await this.events.require(eventId);
      throw new NotFoundError('Seat', seatId);
    }
    return seat;
  }
}
