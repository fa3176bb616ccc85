import { inject, injectable } from 'inversify';
import { v5 as uuidv5 } from 'uuid';
import { Clock } from '../../lib/adapter/clock';
import { HoldStore } from '../../lib/adapter/hold-store';
import { Logger } from '../../lib/adapter/logger';
import { Metrics } from '../../lib/adapter/metrics';
import { ConflictError, ForbiddenError } from '../../lib/domain/errors';
import type { Hold } from '../../lib/domain/hold';
import type { Principal } from '../../lib/domain/principal';
import type { Ticket } from '../../lib/domain/ticket';
import { TicketRepository } from '../../lib/repository/ticket-repository';
import { Config } from '../config/config';
import { AvailabilityPublisher } from './availability-publisher';
import { EventService } from './event.service';
import { HoldService } from './hold.service';
import { QueueService } from './queue.service';

/** Buy what a hold holds (preferred), or hold a seat / a quantity and buy it in one call. */
export type PurchaseRequest = (
  | { holdId: string; fencingToken: number | null }
  | { eventId: string; seatIds: string[] }
  | { eventId: string; quantity: number }
) & {
  /** The caller's active waiting-room session; required when the event's queue is enabled. */
  queueSessionId?: string;
  /**
   * The request's Idempotency-Key. A one-call purchase holds under an id derived from it, so a retry that
   * takes the key over after an attempt whose outcome stayed unknown (a statement past its deadline) finds
   * what that attempt bought instead of buying again.
   */
  attemptKey?: string;
};

// The hold of a one-call purchase only has to outlive the purchase transaction; should the process die in
// between, the seat is blocked for this long at most (or HOLD_TTL_SECONDS when that is shorter).
const ONE_CALL_HOLD_TTL_SECONDS = 30;

// The namespace of one-call purchase hold ids (a name-based UUID: the same user and key always give the same id).
const ATTEMPT_HOLD_NAMESPACE = '53e76669-4191-4af6-a973-441f1730943c';

function attemptHoldId(userId: string, key: string): string {
  return uuidv5(`${userId}\0${key}`, ATTEMPT_HOLD_NAMESPACE);
}

function holdExpired(detail = 'The hold has expired or was released; hold the seats again.'): ConflictError {
  return new ConflictError('hold-expired', detail);
}

/**
 * Turns a live hold into `reserved` tickets. The hold is read once; the statement that reserves refuses
 * to act past the hold's expiry by the database's clock, however long the purchase waited on its way
 * (the batch, the pool). The database's constraints decide anyway, so a wrong or empty hold store can
 * cost a buyer a 409 but never sell a seat twice.
 */
@injectable()
export class PurchaseService {
  constructor(
    @inject(TicketRepository) private readonly tickets: TicketRepository,
    @inject(HoldStore) private readonly holdStore: HoldStore,
    @inject(HoldService) private readonly holds: HoldService,
    @inject(Clock) private readonly clock: Clock,
    @inject(Config) private readonly config: Pick<Config, 'paymentWindowSeconds' | 'holdTtlSeconds'>,
    @inject(Metrics) private readonly metrics: Metrics,
    @inject(Logger) private readonly logger: Logger,
    @inject(EventService) private readonly events: EventService,
    @inject(QueueService) private readonly queue: QueueService,
    @inject(AvailabilityPublisher) private readonly availability: AvailabilityPublisher,
  ) {}

  async purchase(principal: Principal, request: PurchaseRequest): Promise<Ticket[]> {
    if ('holdId' in request) {
      const hold = await this.holdStore.get(request.holdId);
      if (!hold) throw holdExpired();
      // Tickets belong to the holder; nobody, admins included, buys with another user's hold.
      if (hold.userId !== principal.userId) throw new ForbiddenError('Only the holder may buy with this hold.', 'hold-not-yours');
      if (request.fencingToken !== null && request.fencingToken !== hold.fencingToken) {
        throw holdExpired('The fencing token is not the live hold\'s: the hold expired and was taken again.');
      }
      // The gate applies at purchase too: a session may have expired since the hold was taken. The event as
      // holds see it (at most a second old): Postgres checks the purchase itself against the stored rows.
      await this.queue.assertAdmitted(principal, await this.events.current(hold.eventId), request.queueSessionId);
      return this.buy(hold);
    }
    const holdId = request.attemptKey === undefined ? undefined : attemptHoldId(principal.userId, request.attemptKey);
    if (holdId !== undefined) {
      const bought = await this.tickets.listByHold(holdId, principal.userId);
      if (bought.length > 0) return bought;
    }
    const hold = await this.holds.hold(principal, {
      eventId: request.eventId,
      queueSessionId: request.queueSessionId,
      holdId,
      ttlSeconds: Math.min(ONE_CALL_HOLD_TTL_SECONDS, this.config.holdTtlSeconds),
      ...('seatIds' in request ? { seatIds: request.seatIds } : { quantity: request.quantity }),
    });
    try {
      return await this.buy(hold);
    } catch (error) {
      // The hold existed only for this purchase: do not leave it blocking the seats until its TTL.
      await this.release(hold);
      throw error;
    }
  }

  private async buy(hold: Hold): Promise<Ticket[]> {
    const now = this.clock.now();
    const reservedUntil = new Date(now.getTime() + this.config.paymentWindowSeconds * 1000);
    const tickets = await this.tickets.reserve({
      eventId: hold.eventId, userId: hold.userId, seatIds: hold.seatIds, quantity: hold.quantity, holdId: hold.id, holdExpiresAt: hold.expiresAt, now, reservedUntil,
    });
    this.metrics.ticket('reserved', tickets.length);
    // News of the sale first: a slow release must not let it arrive after the ticket's later changes.
    this.availability.ticketsChanged(tickets);
    await this.release(hold);
    return tickets;
  }

  /** Best effort: the tickets are committed; a hold we fail to release just expires by its TTL. */
  private async release(hold: Hold): Promise<void> {
    try {
      await this.holdStore.release(hold.id, hold);
    } catch (error) {
      this.logger.warn('could not release hold after purchase', { hold_id: hold.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
