import { eventPhase, type Event, type QueueSettings } from './event';
import type { QueueEntry } from './queue-entry';

/** One admit request (admin or job) moves at most this many buyers, keeping each script call short. */
export const MAX_ADMIT_PER_CALL = 10_000;

/**
 * Queue keys and session records outlive the event by this much, so a buyer can still read why a session
 * ended; after that the store may forget them (Redis keys expire by themselves).
 */
export const QUEUE_RETENTION_MS = 24 * 3_600_000;

/** The event's waiting-room settings when its queue is switched on, else null (no queue, no gate). */
export function enabledQueue(event: Event): QueueSettings | null {
  return event.queue?.enabled ? event.queue : null;
}

/** Nobody joins once selling is over: a place in that line could never lead to a purchase. */
export function queueOpen(event: Event, now: Date): boolean {
  const phase = eventPhase(event, now);
  return phase === 'scheduled' || phase === 'on_sale';
}

/**
 * Buyers who join before the sale starts are placed by lottery (random order, all ahead of later
 * joiners), so arriving or reloading early gives no edge; from sale start it is first come, first served.
 */
export function joinsByLottery(event: Event, now: Date): boolean {
  return event.saleStartsAt !== null && now < event.saleStartsAt;
}

/**
 * Automatic admission runs only while the event is on sale: admitting lottery entrants before sale start
 * would hand the earliest arrivals the first sessions, the edge the lottery exists to remove.
 */
export function admitsAutomatically(event: Event, now: Date): boolean {
  const queue = enabledQueue(event);
  return queue !== null && queue.admitPerMinute > 0 && eventPhase(event, now) === 'on_sale';
}

export function retainQueueUntil(event: Event): Date {
  return new Date(event.endTime.getTime() + QUEUE_RETENTION_MS);
}

/** The gate's rule: only the buyer's own, unexpired session for this very event opens it. */
export function opensGate(entry: QueueEntry | null, eventId: string, userId: string): boolean {
  return entry !== null && entry.eventId === eventId && entry.userId === userId && entry.status === 'active';
}
