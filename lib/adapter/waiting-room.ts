import type { QueueCounts, QueueEntry } from '../domain/queue-entry';

export interface JoinRequest {
  eventId: string;
  userId: string;
  /** The id the new entry gets; unused when the user already has a live entry. */
  sessionId: string;
  /**
   * Joined before sale start: placed by a lottery draw that is random across users but fixed per user and
   * event, so leaving and rejoining draws the same place. Lottery places all sort ahead of later joiners.
   */
  lottery: boolean;
  now: Date;
  /** The store may forget the event's queue after this. */
  retainUntil: Date;
}

export interface JoinOutcome {
  entry: QueueEntry;
  /** False when the user's live entry was returned instead of a new place. */
  created: boolean;
}

export interface AdmitRequest {
  count: number;
  /** Unexpired active sessions never exceed it, however many admitters race. */
  maxActive: number;
  ttlMs: number;
  now: Date;
}

/**
 * The virtual waiting room of every event: the ordered line of waiting buyers and the set of active
 * sessions, kept together because admission must move a buyer from one to the other in one atomic step
 * (this one port replaces a QueueStore/SessionStore pair whose implementations would share every key).
 *
 * Every operation is atomic (a Lua script in Redis, synchronous code in process). Position is O(log n).
 * Expired sessions stop counting at once: nothing depends on a sweeper. `now` comes from the caller's
 * Clock so that memory and Redis agree and tests can move time.
 */
export interface WaitingRoom {
  /** Places the user in line, or returns their waiting or active entry: never a second place. */
  join(request: JoinRequest): Promise<JoinOutcome>;
  /** The user's waiting or active entry for the event, or null. */
  liveEntry(eventId: string, userId: string, now: Date): Promise<QueueEntry | null>;
  /** The event a session id belongs to; null when unknown or forgotten. */
  eventOf(sessionId: string): Promise<string | null>;
  /** The session in whatever state it is now (an active one past its expiry reads as `expired`). */
  session(eventId: string, sessionId: string, now: Date): Promise<QueueEntry | null>;
  /** Admits up to `count` waiting buyers in line order; returns how many it admitted. */
  admit(eventId: string, request: AdmitRequest): Promise<number>;
  /** Extends an active session to now + ttl; returns the entry as it stands (unchanged unless active). */
  refresh(eventId: string, sessionId: string, ttlMs: number, now: Date): Promise<QueueEntry | null>;
  /** Leaves the line or frees the active slot; an ended entry is returned unchanged. */
  leave(eventId: string, sessionId: string, now: Date): Promise<QueueEntry | null>;
  /** Waiting buyers and unexpired active sessions. */
  counts(eventId: string, now: Date): Promise<QueueCounts>;
  /** Events anyone has joined and that were not forgotten: what automatic admission visits. */
  queuedEvents(): Promise<string[]>;
  /** Stops visiting the event (it ended or was deleted); its data lapses with its retention. */
  forgetEvent(eventId: string): Promise<void>;
}
export const WaitingRoom = Symbol.for('WaitingRoom');
