import { ConflictError } from '../lib/domain/errors';
import { canTransition, isDue, seatStatusFor, TICKET_STATUSES, transition, type Ticket, type TicketStatus } from '../lib/domain/ticket';

const ticket = (status: TicketStatus, reservedUntil = new Date(Date.now() + 60_000)): Ticket => ({
  id: 't', eventId: 'e', seatId: 's', userId: 'u', status, priceCents: 0, reservedUntil, holdId: null,
  createdAt: new Date(0), updatedAt: new Date(0), version: 3,
});

describe('the ticket lifecycle', () => {
  it('allows exactly these transitions', () => {
    const legal = TICKET_STATUSES.flatMap((from) => TICKET_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(legal).toEqual(['reserved->sold', 'reserved->cancelled', 'reserved->expired', 'sold->cancelled']);
  });

  it('moves a ticket and bumps its version; refuses anything else with a 409 naming both statuses', () => {
    const now = new Date();
    expect(transition(ticket('reserved'), 'sold', now)).toMatchObject({ status: 'sold', version: 4, updatedAt: now });
    const error = (() => {
      try {
        transition(ticket('expired'), 'sold', now);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'ticket-expired', extensions: { ticket_status: 'expired', requested_status: 'sold' } });
    expect(() => transition(ticket('sold'), 'sold', now)).toThrow(expect.objectContaining({ code: 'invalid-ticket-transition' }));
    expect(() => transition(ticket('cancelled'), 'reserved', now)).toThrow(expect.objectContaining({ code: 'ticket-cancelled' }));
  });

  it('a reservation is due once its payment window has passed; other statuses never are', () => {
    const past = new Date(Date.now() - 1);
    expect(isDue(ticket('reserved', past), new Date())).toBe(true);
    expect(isDue(ticket('reserved'), new Date())).toBe(false);
    expect(isDue(ticket('sold', past), new Date())).toBe(false);
  });

  it('the seat follows its ticket', () => {
    expect(TICKET_STATUSES.map(seatStatusFor)).toEqual(['reserved', 'sold', 'available', 'available']);
  });
});
