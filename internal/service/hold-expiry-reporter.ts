import { inject, injectable } from 'inversify';
import { EventBus } from '../../lib/adapter/event-bus';
import { HoldStore } from '../../lib/adapter/hold-store';
import { SeatRepository } from '../../lib/repository/seat-repository';

/**
 * Turns the hold store's expiry signal into stream messages. Holds expire silently (a TTL), so someone
 * must ask; the store hands each expiry to exactly one asker, so one message goes out whichever process
 * asks first.
 */
@injectable()
export class HoldExpiryReporter {
  constructor(
    @inject(HoldStore) private readonly holds: HoldStore,
    @inject(SeatRepository) private readonly seats: SeatRepository,
    @inject(EventBus) private readonly bus: EventBus,
  ) {}

  async report(eventId: string): Promise<void> {
    const { seatIds, places } = await this.holds.takeExpired(eventId);
    if (seatIds.length > 0) {
      // The stored status, not "available": a seat bought while its hold's release was lost stays sold.
      for (const seat of await this.seats.findMany(eventId, seatIds)) {
        await this.bus.publish(eventId, 'seat', { seat_id: seat.id, status: seat.status });
      }
    }
    if (places > 0) await this.bus.publish(eventId, 'capacity', { lapsed: places });
  }
}
