import type { ColumnType, Generated } from 'kysely';

// Table types, camelCased by Kysely's CamelCasePlugin (columns are snake_case in SQL).
type Timestamp = ColumnType<Date, Date, Date>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface EventTable {
  id: string;
  name: string;
  description: string | null;
  venue: string;
  startTime: Timestamp;
  endTime: Timestamp;
  isSeatedEvent: boolean;
  totalTickets: number | null;
  saleStartsAt: Date | null;
  saleEndsAt: Date | null;
  /** jsonb: QueueSettings as written by the repository (snake_case keys kept out of the domain). */
  queue: ColumnType<QueueJson | null, string | null, string | null>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface QueueJson {
  enabled: boolean;
  admit_per_minute: number;
  max_active_sessions: number;
  session_ttl_seconds: number;
}

export interface SeatTable {
  id: string;
  eventId: string;
  section: string;
  row: string;
  number: string;
  priceCents: number;
  category: string | null;
  status: 'available' | 'reserved' | 'sold';
  /** Optimistic concurrency: every status change bumps it. */
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export interface TicketTable {
  id: string;
  eventId: string;
  seatId: string | null;
  userId: string;
  status: 'reserved' | 'sold' | 'cancelled' | 'expired';
  priceCents: number;
  reservedUntil: Timestamp;
  holdId: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
  /** Optimistic concurrency: every status change bumps it. */
  version: Generated<number>;
}

/** Append-only (a trigger refuses UPDATE and DELETE). */
export interface TicketHistoryTable {
  id: string;
  ticketId: string;
  fromStatus: TicketTable['status'] | null;
  toStatus: TicketTable['status'];
  actor: string;
  reason: string | null;
  at: Timestamp;
}

/**
 * Live (reserved or sold) seatless tickets per event, kept by triggers on `tickets` (migration 0003): the
 * standing capacity check reads it instead of counting tickets. Every event has a row.
 */
export interface EventLiveTicketsTable {
  eventId: string;
  live: Generated<number>;
}

export interface IdempotencyKeyTable {
  userId: string;
  key: string;
  requestHash: string;
  status: 'in_flight' | 'done';
  responseStatus: number | null;
  responseType: string | null;
  responseBody: string | null;
  createdAt: Timestamp;
}

/** Standing holds already bought (migration 0004), kept until a purchase of them could no longer commit. */
export interface HoldPurchaseTable {
  holdId: string;
  spentUntil: Timestamp;
}

export interface Database {
  events: EventTable;
  seats: SeatTable;
  tickets: TicketTable;
  ticketHistory: TicketHistoryTable;
  idempotencyKeys: IdempotencyKeyTable;
  eventLiveTickets: EventLiveTicketsTable;
  holdPurchases: HoldPurchaseTable;
}
