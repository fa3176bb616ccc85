import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { canActFor, type Principal } from '../../lib/domain/principal';
import type { Seat, SeatDraft, SeatStatus } from '../../lib/domain/seat';
import type { SeatView } from '../service/seat.service';
import { HasNoNul, IsSeatLabel } from './validators';

export const MAX_SEATS_PER_REQUEST = 50_000;

export class SeatInputDto {
  @IsString() @HasNoNul() @Length(1, 32) section!: string;
  @IsSeatLabel(16) row!: string | number;
  @IsSeatLabel(16) number!: string | number;
  @IsOptional() @IsInt() @Min(0) @Max(100_000_000) price_cents?: number;
  @IsOptional() @IsString() @HasNoNul() @Length(1, 64) category?: string | null;
}

export class AddSeatsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SEATS_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => SeatInputDto)
  seats!: SeatInputDto[];
}

export function toSeatDraft(input: SeatInputDto): SeatDraft {
  return {
    section: input.section,
    row: String(input.row),
    number: String(input.number),
    priceCents: input.price_cents ?? 0,
    category: input.category ?? null,
  };
}

/** A seat as the API shows it; `status` may be `held`, which Postgres never stores. */
export function seatJson(seat: Seat, status: SeatStatus = seat.status) {
  return {
    id: seat.id,
    event_id: seat.eventId,
    section: seat.section,
    row: seat.row,
    number: seat.number,
    price_cents: seat.priceCents,
    category: seat.category,
    status,
  };
}

/** A seat with its hold, if any; who holds it is shown only to the holder and admins. */
export function seatViewJson({ seat, status, hold }: SeatView, viewer: Principal | undefined) {
  if (!hold) return seatJson(seat, status);
  return {
    ...seatJson(seat, status),
    held_until: hold.heldUntil.toISOString(),
    retry_after_seconds: hold.retryAfterSeconds,
    ...(viewer && canActFor(viewer, hold.userId) && { held_by: hold.userId }),
  };
}
