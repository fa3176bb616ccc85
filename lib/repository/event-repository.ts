import type { Event } from '../domain/event';

/** Durable store of events. Postgres is the source of truth. */
export interface EventRepository {
  create(event: Event): Promise<void>;
  findById(id: string): Promise<Event | null>;
  /** Events that have not ended at `now`, soonest first. */
  listActive(now: Date): Promise<Event[]>;
  /** Replaces the stored event; false when it does not exist. */
  update(event: Event): Promise<boolean>;
  /**
   * Deletes the event with its seats; false when it does not exist. Throws ConflictError
   * (`event-has-tickets`) once any ticket refers to it.
   */
  delete(id: string): Promise<boolean>;
}
export const EventRepository = Symbol.for('EventRepository');
