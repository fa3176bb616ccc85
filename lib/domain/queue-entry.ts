/**
 * A buyer's place in an event's waiting room. One entry per join: it waits, becomes an active session when
 * admitted, and ends as `expired` (not refreshed in time) or `left` (the buyer left). Joining again while
 * an entry is waiting or active returns that entry; after it ended, a new one goes to the back.
 */
export type QueueStatus = 'waiting' | 'active' | 'expired' | 'left';

export const LIVE_STATUSES: readonly QueueStatus[] = ['waiting', 'active'];

export interface QueueEntry {
  /** Also the session id once admitted: the buyer keeps one id from join to purchase. */
  sessionId: string;
  eventId: string;
  userId: string;
  status: QueueStatus;
  /** 1-based among the event's waiting buyers; 0 once no longer waiting. */
  position: number;
  joinedAt: Date;
  /** When the active session lapses (or lapsed) unless refreshed; null while waiting or after leaving. */
  expiresAt: Date | null;
}

export interface QueueCounts {
  waiting: number;
  active: number;
}

export function isLive(entry: QueueEntry): boolean {
  return LIVE_STATUSES.includes(entry.status);
}

/** Seconds until admission at the configured rate; null when only an admin admits (rate 0). */
export function estimatedWaitSeconds(position: number, admitPerMinute: number): number | null {
  if (admitPerMinute <= 0) return null;
  return Math.ceil((position / admitPerMinute) * 60);
}
