import { inject, injectable } from 'inversify';
import type { Kysely, Selectable } from 'kysely';
import { ConflictError } from '../../lib/domain/errors';
import type { Event, QueueSettings } from '../../lib/domain/event';
import type { EventRepository } from '../../lib/repository/event-repository';
import { KYSELY } from './database';
import { FOREIGN_KEY_VIOLATION, guarded, pgErrorCode } from './errors';
import type { Database, EventTable, QueueJson } from './tables';

function queueToJson(queue: QueueSettings | null): string | null {
  if (!queue) return null;
  const json: QueueJson = {
    enabled: queue.enabled,
    admit_per_minute: queue.admitPerMinute,
    max_active_sessions: queue.maxActiveSessions,
    session_ttl_seconds: queue.sessionTtlSeconds,
  };
  return JSON.stringify(json);
}

function queueFromJson(json: QueueJson | null): QueueSettings | null {
  if (!json) return null;
  return {
    enabled: json.enabled,
    admitPerMinute: json.admit_per_minute,
    maxActiveSessions: json.max_active_sessions,
    sessionTtlSeconds: json.session_ttl_seconds,
  };
}

function toEvent(row: Selectable<EventTable>): Event {
  return { ...row, queue: queueFromJson(row.queue) };
}

@injectable()
export class PostgresEventRepository implements EventRepository {
  constructor(@inject(KYSELY) private readonly db: Kysely<Database>) {}

  create(event: Event): Promise<void> {
    return guarded(async () => {
      await this.db.insertInto('events').values({ ...event, queue: queueToJson(event.queue) }).execute();
    });
  }

  findById(id: string): Promise<Event | null> {
    return guarded(async () => {
      const row = await this.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toEvent(row) : null;
    });
  }

  listActive(now: Date): Promise<Event[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('events')
        .selectAll()
        .where('endTime', '>', now)
        .orderBy('startTime')
        .orderBy('id')
        .execute();
      return rows.map(toEvent);
    });
  }

  update(event: Event): Promise<boolean> {
    return guarded(async () => {
      const { id, createdAt: _createdAt, ...fields } = event;
      const result = await this.db
        .updateTable('events')
        .set({ ...fields, queue: queueToJson(event.queue) })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }

  delete(id: string): Promise<boolean> {
    return guarded(async () => {
      try {
        const result = await this.db.deleteFrom('events').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      } catch (error) {
        // Tickets reference events without cascade: Postgres itself refuses to delete a sold event.
        if (pgErrorCode(error) === FOREIGN_KEY_VIOLATION) {
          throw new ConflictError('event-has-tickets', 'The event has tickets and cannot be deleted.');
        }
        throw error;
      }
    });
  }
}
