import { ConflictError } from './errors';
import type { StoredSeatStatus } from './seat';

/**
 * A ticket's life: `reserved` (awaiting payment) -> `sold` (confirmed), `cancelled` or `expired`. A sold
 * ticket may still be cancelled (a refund). `cancelled` and `expired` are final: a new purchase makes a
 * new ticket, so the audit trail of the old one never changes meaning.
 */
export type TicketStatus = 'reserved' | 'sold' | 'cancelled' | 'expired';

export const TICKET_STATUSES: readonly TicketStatus[] = ['reserved', 'sold', 'cancelled', 'expired'];

/** Statuses that occupy a seat or a standing place; Postgres allows one live ticket per seat. */
export const LIVE_STATUSES: readonly TicketStatus[] = ['reserved', 'sold'];

/** THE table of legal transitions; every status change, by anyone, goes through `transition`. */
const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  reserved: ['sold', 'cancelled', 'expired'],
  sold: ['cancelled'],
  cancelled: [],
  expired: [],
};

export interface Ticket {
  id: string;
  eventId: string;
  /** Null for a standing event's ticket. */
  seatId: string | null;
  userId: string;
  status: TicketStatus;
  priceCents: number;
  /** The payment deadline of the reservation; a `reserved` ticket past it is expired. */
  reservedUntil: Date;
  /** The hold the ticket was bought from (for tracing; holds themselves live only in the hold store). */
  holdId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Optimistic concurrency: bumped by every change. */
  version: number;
}

/** One row of a ticket's append-only audit trail. `fromStatus` is null for the purchase itself. */
export interface TicketHistoryEntry {
  ticketId: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus;
  actor: string;
  reason: string | null;
  at: Date;
}

/** The actor recorded for changes nobody asked for (expiry by the sweeper or on read). */
export const SYSTEM_ACTOR = 'system';
export const EXPIRY_REASON = 'payment window elapsed';

export function isTicketStatus(value: unknown): value is TicketStatus {
  return typeof value === 'string' && (TICKET_STATUSES as readonly string[]).includes(value);
}

export function isLive(status: TicketStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Every status a ticket may move to `to` from. */
export function sourcesOf(to: TicketStatus): TicketStatus[] {
  return TICKET_STATUSES.filter((from) => canTransition(from, to));
}

/** A reservation whose payment window has passed: it must be treated as expired whoever looks at it. */
export function isDue(ticket: Pick<Ticket, 'status' | 'reservedUntil'>, now: Date): boolean {
  return ticket.status === 'reserved' && ticket.reservedUntil.getTime() <= now.getTime();
}

/** The stored status of the seat while its ticket has `status`. */
export function seatStatusFor(status: TicketStatus): StoredSeatStatus {
  if (status === 'reserved') return 'reserved';
  if (status === 'sold') return 'sold';
  return 'available';
}

/** The ticket after moving it to `to`; a move the table does not allow -> ConflictError (409). */
export function transition(ticket: Ticket, to: TicketStatus, now: Date): Ticket {
  if (!canTransition(ticket.status, to)) {
    const code = ticket.status === 'expired' ? 'ticket-expired' : ticket.status === 'cancelled' ? 'ticket-cancelled' : 'invalid-ticket-transition';
    throw new ConflictError(code, `A ${ticket.status} ticket cannot become ${to}.`, {
      extensions: { ticket_status: ticket.status, requested_status: to },
    });
  }
  return { ...ticket, status: to, updatedAt: now, version: ticket.version + 1 };
}
