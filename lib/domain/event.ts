import { ValidationError, type FieldError } from './errors';

/** Waiting-room settings of an event; null on the event means no queue. */
export interface QueueSettings {
  enabled: boolean;
  admitPerMinute: number;
  maxActiveSessions: number;
  sessionTtlSeconds: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  enabled: false,
  admitPerMinute: 60,
  maxActiveSessions: 500,
  sessionTtlSeconds: 900,
};

/** What an admin supplies to create or replace an event. */
export interface EventDraft {
  name: string;
  description: string | null;
  venue: string;
  startTime: Date;
  endTime: Date;
  isSeatedEvent: boolean;
  /** Capacity of a standing event; for a seated event, informational only (seats are the capacity). */
  totalTickets: number | null;
  saleStartsAt: Date | null;
  saleEndsAt: Date | null;
  queue: QueueSettings | null;
}

export interface Event extends EventDraft {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Where an event stands in time; derived, never stored, so it cannot go stale. */
export type EventPhase = 'scheduled' | 'on_sale' | 'sale_closed' | 'ended';

export function eventPhase(event: EventDraft, now: Date): EventPhase {
  if (now >= event.endTime) return 'ended';
  if (event.saleStartsAt && now < event.saleStartsAt) return 'scheduled';
  // Without an explicit end of sale, selling stops when the event starts.
  const saleEnd = event.saleEndsAt ?? event.startTime;
  if (now >= saleEnd) return 'sale_closed';
  return 'on_sale';
}

/** The rules an event must satisfy whoever creates or edits it. */
export function assertValidEventDraft(draft: EventDraft): void {
  const errors: FieldError[] = [];
  if (draft.endTime <= draft.startTime) {
    errors.push({ field: 'end_time', message: 'end_time must be after start_time' });
  }
  if (!draft.isSeatedEvent && draft.totalTickets === null) {
    errors.push({ field: 'total_tickets', message: 'a standing event (is_seated_event: false) needs total_tickets' });
  }
  if (draft.saleStartsAt && draft.saleEndsAt && draft.saleEndsAt <= draft.saleStartsAt) {
    errors.push({ field: 'sale_ends_at', message: 'sale_ends_at must be after sale_starts_at' });
  }
  if (draft.saleEndsAt && draft.saleEndsAt > draft.endTime) {
    errors.push({ field: 'sale_ends_at', message: 'sale_ends_at must not be after end_time' });
  }
  if (draft.saleStartsAt && draft.saleStartsAt >= draft.endTime) {
    errors.push({ field: 'sale_starts_at', message: 'sale_starts_at must be before end_time' });
  }
  if (errors.length > 0) throw new ValidationError(errors);
}
