import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAX_HOLD_TTL_SECONDS, MAX_QUANTITY_PER_HOLD, MAX_SEATS_PER_HOLD, MIN_HOLD_TTL_SECONDS, type Hold } from '../../lib/domain/hold';

/** Body of POST /holds: `seat_ids` for a seated event, `quantity` for a standing one. */
export class HoldBodyDto {
  @IsUUID() event_id!: string;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_SEATS_PER_HOLD) @IsUUID('all', { each: true }) seat_ids?: string[];
  @IsOptional() @IsInt() @Min(1) @Max(MAX_QUANTITY_PER_HOLD) quantity?: number;
  @IsOptional() @IsInt() @Min(MIN_HOLD_TTL_SECONDS) @Max(MAX_HOLD_TTL_SECONDS) ttl_seconds?: number;
}

/** Body of POST /holds/:id/extend. */
export class ExtendHoldDto {
  @IsInt() @Min(MIN_HOLD_TTL_SECONDS) @Max(MAX_HOLD_TTL_SECONDS) ttl_seconds!: number;
}

export function holdJson(hold: Hold) {
  return {
    id: hold.id,
    event_id: hold.eventId,
    user_id: hold.userId,
    seat_ids: hold.seatIds,
    quantity: hold.quantity,
    fencing_token: hold.fencingToken,
    created_at: hold.createdAt.toISOString(),
    expires_at: hold.expiresAt.toISOString(),
  };
}
