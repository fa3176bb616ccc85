import { inject, injectable } from 'inversify';
import { Clock } from '../../lib/adapter/clock';
import { Metrics } from '../../lib/adapter/metrics';
import { ForbiddenError, NotFoundError } from '../../lib/domain/errors';
import type { Page, PageRequest } from '../../lib/domain/page';
import { canActFor, isAdmin, type Principal } from '../../lib/domain/principal';
import { isDue, type Ticket, type TicketHistoryEntry, type TicketStatus } from '../../lib/domain/ticket';
import { TicketRepository, type ExpiredTicket } from '../../lib/repository/ticket-repository';
import { AvailabilityPublisher } from './availability-publisher';

/** Reading tickets and moving them through their lifecycle (purchase is PurchaseService). */
@injectable()
export class TicketService {
  constructor(
    @inject(TicketRepository) private readonly tickets: TicketRepository,
    @inject(Clock) private readonly clock: Clock,
    @inject(Metrics) private readonly metrics: Metrics,
    @inject(AvailabilityPublisher) private readonly availability: AvailabilityPublisher,
  ) {}

  /** The ticket as of now: a reservation past its payment window is expired first (expiry on read). */
  async get(principal: Principal, id: string): Promise<Ticket> {
    const ticket = await this.owned(principal, id);
    if (!isDue(ticket, this.clock.now())) return ticket;
    this.expired(await this.tickets.expireDue({ ticketIds: [id] }, this.clock.now()));
    return (await this.tickets.findById(id)) ?? ticket;
  }

  async listForUser(principal: Principal, userId: string, page: PageRequest): Promise<Page<Ticket>> {
    if (!canActFor(principal, userId)) throw new ForbiddenError("You may only list your own tickets.");
    this.expired(await this.tickets.expireDue({ userId }, this.clock.now()));
    return this.tickets.listByUser(userId, page);
  }

  async history(principal: Principal, id: string): Promise<TicketHistoryEntry[]> {
    await this.get(principal, id);
    return this.tickets.history(id);
  }

  /** Records that payment happened (a payment provider is out of scope). */
  confirm(principal: Principal, id: string): Promise<Ticket> {
    return this.move(principal, id, 'sold', 'payment confirmed');
  }

  /** Cancels a reservation, or refunds a sold ticket; the seat becomes available again. */
  cancel(principal: Principal, id: string): Promise<Ticket> {
    return this.move(principal, id, 'cancelled', isAdmin(principal) ? 'cancelled by admin' : 'cancelled by owner');
  }

  /** Admin override, bound by the same transition table as everyone else. */
  setStatus(principal: Principal, id: string, status: TicketStatus): Promise<Ticket> {
    if (!isAdmin(principal)) throw new ForbiddenError('Only admins may set a ticket status.');
    return this.move(principal, id, status, 'status set by admin');
  }

  private async move(principal: Principal, id: string, to: TicketStatus, reason: string): Promise<Ticket> {
    const request = { ticketId: id, to, actor: principal.userId, reason, now: this.clock.now() };
    // One statement when the move simply applies; anything else (unknown, someone else's, due, illegal)
    // changed nothing there and takes the step-by-step path, which says why.
    let moved = await this.tickets.tryTransition(request, isAdmin(principal) ? null : principal.userId);
    if (!moved) {
      await this.owned(principal, id);
      moved = await this.tickets.transition({ ...request, now: this.clock.now() });
      if (!moved) throw new NotFoundError('Ticket', id);
    }
    this.metrics.ticket(to);
    this.availability.ticketsChanged([moved]);
    return moved;
  }

  private expired(tickets: ExpiredTicket[]): void {
    if (tickets.length === 0) return;
    this.metrics.ticket('expired', tickets.length);
    this.availability.ticketsExpired(tickets);
  }

  /** The stored ticket if the caller may see it: unknown -> 404, someone else's -> 403. */
  private async owned(principal: Principal, id: string): Promise<Ticket> {
    const ticket = await this.tickets.findById(id);
    if (!ticket) throw new NotFoundError('Ticket', id);
    if (!canActFor(principal, ticket.userId)) throw new ForbiddenError('This ticket belongs to someone else.');
    return ticket;
  }
}
