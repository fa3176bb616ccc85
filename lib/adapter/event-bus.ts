/** A change of one event's availability, as stream clients receive it. */
export interface BusMessage {
  /** Per-event sequence, strictly increasing: the SSE id clients resume from. */
  id: number;
  type: 'seat' | 'capacity';
  data: Record<string, unknown>;
}

export type BusListener = (eventId: string, message: BusMessage) => void;

/**
 * Fan-out of availability changes to every API process (Redis pub/sub in production, in-process in
 * embedded mode), with a short per-event history so a reconnecting client can resume without gaps.
 */
export interface EventBus {
  publish(eventId: string, type: BusMessage['type'], data: Record<string, unknown>): Promise<void>;
  /** Calls `listener` for every message of `eventId` from now on; resolves once subscribed. */
  subscribe(eventId: string, listener: BusListener): Promise<() => void>;
  /**
   * Retained messages after `afterId`, oldest first; null when some of them were already dropped from
   * the history (the client must reload the full state).
   */
  since(eventId: string, afterId: number): Promise<BusMessage[] | null>;
}
export const EventBus = Symbol.for('EventBus');
