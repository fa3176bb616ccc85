import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DEFAULT_QUEUE_SETTINGS, type EventDraft } from '../../lib/domain/event';
import type { SeatCounts } from '../../lib/domain/seat';
import type { EventDetail, EventView } from '../service/event.service';
import { HasNoNul, IsTimestamp } from './validators';

export class QueueSettingsDto {
  @IsBoolean() enabled!: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) admit_per_minute?: number;
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000) max_active_sessions?: number;
  @IsOptional() @IsInt() @Min(30) @Max(86_400) session_ttl_seconds?: number;
}

/** Body of POST /events and PUT /events/:id (PUT replaces the whole event). */
export class EventBodyDto {
  @IsString() @HasNoNul() @Length(1, 200) name!: string;
  @IsOptional() @IsString() @HasNoNul() @MaxLength(10_000) description?: string | null;
  @IsString() @HasNoNul() @Length(1, 200) venue!: string;
  @IsTimestamp() start_time!: string;
  @IsTimestamp() end_time!: string;
  @IsBoolean() is_seated_event!: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000) total_tickets?: number | null;
  @IsOptional() @IsTimestamp() sale_starts_at?: string | null;
  @IsOptional() @IsTimestamp() sale_ends_at?: string | null;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => QueueSettingsDto) queue?: QueueSettingsDto | null;
}

const date = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

export function toEventDraft(body: EventBodyDto): EventDraft {
  return {
    name: body.name,
    description: body.description ?? null,
    venue: body.venue,
    startTime: new Date(body.start_time),
    endTime: new Date(body.end_time),
    isSeatedEvent: body.is_seated_event,
    totalTickets: body.total_tickets ?? null,
    saleStartsAt: date(body.sale_starts_at),
    saleEndsAt: date(body.sale_ends_at),
    queue: body.queue
      ? {
          enabled: body.queue.enabled,
          admitPerMinute: body.queue.admit_per_minute ?? DEFAULT_QUEUE_SETTINGS.admitPerMinute,
          maxActiveSessions: body.queue.max_active_sessions ?? DEFAULT_QUEUE_SETTINGS.maxActiveSessions,
          sessionTtlSeconds: body.queue.session_ttl_seconds ?? DEFAULT_QUEUE_SETTINGS.sessionTtlSeconds,
        }
      : null,
  };
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

export function eventJson({ event, phase }: EventView) {
  return {
    id: event.id,
    name: event.name,
    description: event.description,
    venue: event.venue,
    start_time: event.startTime.toISOString(),
    end_time: event.endTime.toISOString(),
    is_seated_event: event.isSeatedEvent,
    total_tickets: event.totalTickets,
    sale_starts_at: iso(event.saleStartsAt),
    sale_ends_at: iso(event.saleEndsAt),
    queue: event.queue && {
      enabled: event.queue.enabled,
      admit_per_minute: event.queue.admitPerMinute,
      max_active_sessions: event.queue.maxActiveSessions,
      session_ttl_seconds: event.queue.sessionTtlSeconds,
    },
    status: phase,
    created_at: event.createdAt.toISOString(),
    updated_at: event.updatedAt.toISOString(),
  };
}

export function eventDetailJson(detail: EventDetail) {
  const counts: SeatCounts = detail.counts;
  return { ...eventJson(detail), counts };
}
