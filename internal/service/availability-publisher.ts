import { inject, injectable } from 'inversify';
import { EventBus, type BusMessage } from '../../lib/adapter/event-bus';
import { Logger } from '../../lib/adapter/logger';
import type { Hold } from '../../lib/domain/hold';
import { seatStatusFor, type TicketStatus } from '../../lib/domain/ticket';
import type { ExpiredTicket } from '../../lib/repository/ticket-repository';
import { SeatCatalog } from './seat-catalog';

/**
 * Tells live seat maps in every process what changed, and this process's seat catalog at once (the bus
 * brings it to the others' within milliseconds). Publishing never fails or delays the change it reports:
 * the change is already committed, and a lost message only delays a map until its next recount.
 */
@injectable()
export class AvailabilityPublisher {
  constructor(
    @inject(EventBus) private readonly bus: EventBus,
    @inject(Logger) private readonly logger: Logger,
    @inject(SeatCatalog) private readonly catalog: SeatCatalog,
  ) {}

  holdChanged(hold: Hold, status: 'held' | 'available'): void {
    if (hold.seatIds.length === 0) return this.publish(hold.eventId, 'capacity', {});
    const heldUntil = status === 'held' ? { held_until: hold.expiresAt.toISOString() } : {};
    for (const seatId of hold.seatIds) this.publish(hold.eventId, 'seat', { seat_id: seatId, status, ...heldUntil });
  }

  ticketsChanged(tickets: ReadonlyArray<{ eventId: string; seatId: string | null; status: TicketStatus }>): void {
    const standing = new Set<string>();
    for (const ticket of tickets) {
      if (ticket.seatId === null) {
        standing.add(ticket.eventId);
        continue;
      }
      const status = seatStatusFor(ticket.status);
      this.catalog.note(ticket.eventId, ticket.seatId, status);
      this.publish(ticket.eventId, 'seat', { seat_id: ticket.seatId, status });
    }
    for (const eventId of standing) this.publish(eventId, 'capacity', {});
  }

  ticketsExpired(tickets: readonly ExpiredTicket[]): void {
    this.ticketsChanged(tickets.map((ticket) => ({ ...ticket, status: 'expired' as const })));
  }

  private publish(eventId: string, type: BusMessage['type'], data: Record<string, unknown>): void {
    this.bus.publish(eventId, type, data).catch((error: unknown) =>
      this.logger.warn('availability change not published', { event_id: eventId, error: error instanceof Error ? error.message : String(error) }),
    );
  }
}
