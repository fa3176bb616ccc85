import type { Page, PageRequest } from '../domain/page';
import type { Ticket, TicketHistoryEntry, TicketStatus } from '../domain/ticket';

/** What one purchase turns into tickets: the seats of a seated event, or a quantity of a standing one. */
export interface ReservationRequest {
  eventId: string;
  userId: string;
  /** Seated: the seats to reserve (all or none). Standing: empty. */
  seatIds: readonly string[];
  /** Standing: places to reserve. Seated: ignored (one ticket per seat). */
  quantity: number;
  holdId: string | null;
  /**
   * When the hold being bought lapses: a purchase that reaches the database later changes nothing and is
   * refused with 409 `hold-expired`, so a lapsed hold cannot beat the seat's next holder however long the
   * purchase waited on its way. Absent: no hold to respect.
   */
  holdExpiresAt?: Date;
  now: Date;
  reservedUntil: Date;
}

/** A status change asked for by someone (owner, admin) and recorded with them. */
export interface TransitionRequest {
  ticketId: string;
  to: TicketStatus;
  actor: string;
  reason: string;
  now: Date;
}

/** A reservation that lapsed: enough to tell live seat maps what changed. */
export interface ExpiredTicket {
  id: string;
  eventId: string;
  seatId: string | null;
}

export interface LiveCounts {
  reserved: number;
  sold: number;
}

/**
 * Durable store of tickets and their audit trail. Postgres is the source of truth and the last line
 * against double-selling: every write here runs in one transaction with its history rows, seat status
 * changes follow the ticket, and the database's own constraints refuse a second live ticket per seat and
 * any standing ticket beyond capacity.
 */
export interface TicketRepository {
  /**
   * Atomically: expires due reservations in the way, moves each seat `available -> reserved`
   * (conditionally), inserts one `reserved` ticket per seat (or `quantity` standing tickets) with their
   * history; all or nothing. Throws ConflictError `seats-unavailable` (with the seat ids) when a
   * seat is not available, `sold-out` when standing capacity would be exceeded, `hold-expired` when the
   * hold lapsed or (standing) was already bought, NotFoundError for an unknown event or seat.
   */
  reserve(request: ReservationRequest): Promise<Ticket[]>;

  /** The ticket as stored (a due reservation still reads `reserved`: call `expireDue` first). */
  findById(id: string): Promise<Ticket | null>;

  /** A page of the user's tickets in creation order. */
  listByUser(userId: string, page: PageRequest): Promise<Page<Ticket>>;

  /** The user's tickets bought with the hold, in creation order (none if it was never bought). */
  listByHold(holdId: string, userId: string): Promise<Ticket[]>;

  /** Every status change of the ticket, oldest first. */
  history(ticketId: string): Promise<TicketHistoryEntry[]>;

  /**
   * Locks the ticket and moves it to `to` by the domain's transition table, moving its seat along, with a
   * history row. A due reservation is expired first (and that is committed even when the requested move
   * is then refused, e.g. confirming an expired ticket -> ConflictError). Null when the ticket does not
   * exist.
   */
  transition(request: TransitionRequest): Promise<Ticket | null>;

  /**
   * `transition` for the common case, in one step: moves the ticket only if it belongs to `ownerId` (null:
   * whoever owns it), is not due, and the move is legal. Otherwise null, having changed nothing: the
   * caller then takes the path that says why (`findById`, `transition`).
   */
  tryTransition(request: TransitionRequest, ownerId: string | null): Promise<Ticket | null>;

  /**
   * Expires the due reservations among the given tickets or of the given user (expiry on read), freeing
   * their seats. Returns the tickets it expired.
   */
  expireDue(scope: { ticketIds: readonly string[] } | { userId: string }, now: Date): Promise<ExpiredTicket[]>;

  /**
   * One sweep of due reservations, at most `limit`. Only one process sweeps at a time: returns null when
   * another holds the sweep lock. Rows locked by a concurrent transaction are skipped, not waited for.
   * Also forgets the bought holds that have lapsed (a purchase of them is refused by their expiry now).
   */
  sweepExpired(now: Date, limit: number): Promise<ExpiredTicket[] | null>;

  /** Live tickets of the event by status (event counts). */
  countLive(eventId: string): Promise<LiveCounts>;
  /** Live (reserved or sold) tickets of a standing event, as kept for its capacity: O(1), for holds. */
  countLiveStanding(eventId: string): Promise<number>;
}
export const TicketRepository = Symbol.for('TicketRepository');
