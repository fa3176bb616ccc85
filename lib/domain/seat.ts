/**
 * Status as Postgres stores it. Holds live only in the hold store (the fast path never writes to
 * Postgres), so `held` is layered on at read time: see SeatView.
 */
export type StoredSeatStatus = 'available' | 'reserved' | 'sold';
export type SeatStatus = StoredSeatStatus | 'held';

export interface SeatDraft {
  section: string;
  row: string;
  number: string;
  priceCents: number;
  category: string | null;
}

export interface Seat extends SeatDraft {
  id: string;
  eventId: string;
  status: StoredSeatStatus;
}

export interface SeatCounts {
  available: number;
  /** Null when the hold store cannot be reached: the other counts then come from Postgres alone. */
  held: number | null;
  reserved: number;
  sold: number;
}

/** The identity of a seat within its event; two seats may not share it. */
export function seatLabel(seat: SeatDraft): string {
  return `${seat.section}/${seat.row}/${seat.number}`;
}
