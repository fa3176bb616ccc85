import { IsInt, IsUUID, Max, Min } from 'class-validator';
import type { QueueEntry } from '../../lib/domain/queue-entry';
import { MAX_ADMIT_PER_CALL } from '../../lib/domain/session';
import type { JoinedEntry } from '../service/queue.service';

export class JoinQueueDto {
  @IsUUID() event_id!: string;
}

export class ProcessQueueDto {
  @IsInt() @Min(1) @Max(MAX_ADMIT_PER_CALL) count!: number;
}

export class RefreshSessionDto {
  @IsUUID() session_id!: string;
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

export function joinedJson({ entry, estimatedWaitSeconds }: JoinedEntry) {
  return {
    session_id: entry.sessionId,
    event_id: entry.eventId,
    user_id: entry.userId,
    status: entry.status,
    position: entry.position,
    estimated_wait_seconds: estimatedWaitSeconds,
    joined_at: entry.joinedAt.toISOString(),
    expires_at: iso(entry.expiresAt),
  };
}

export function statusJson(entry: QueueEntry) {
  return {
    session_id: entry.sessionId,
    event_id: entry.eventId,
    status: entry.status,
    position: entry.position,
    expires_at: iso(entry.expiresAt),
  };
}
