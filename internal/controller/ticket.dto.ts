import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAX_QUANTITY_PER_HOLD } from '../../lib/domain/hold';
import { ValidationError } from '../../lib/domain/errors';
import { TICKET_STATUSES, type Ticket, type TicketHistoryEntry, type TicketStatus } from '../../lib/domain/ticket';
import type { PurchaseRequest } from '../service/purchase.service';

/** Body of POST /tickets/purchase: a hold to buy, or a seat / quantity to hold and buy in one call. */
export class PurchaseDto {
  @IsOptional() @IsUUID() hold_id?: string;
  @IsOptional() @IsInt() @Min(0) fencing_token?: number;
  @IsOptional() @IsUUID() event_id?: string;
  @IsOptional() @IsUUID() seat_id?: string;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_QUANTITY_PER_HOLD) quantity?: number;
}

export class TicketStatusDto {
  @IsIn(TICKET_STATUSES) status!: TicketStatus;
}

export function toPurchaseRequest(body: PurchaseDto): PurchaseRequest {
  if (body.hold_id !== undefined) {
    const extra = (['event_id', 'seat_id', 'quantity'] as const).find((field) => body[field] !== undefined);
    if (extra) throw ValidationError.field(extra, 'is not allowed with hold_id');
    return { holdId: body.hold_id.toLowerCase(), fencingToken: body.fencing_token ?? null };
  }
  if (body.fencing_token !== undefined) throw ValidationError.field('fencing_token', 'needs hold_id');
  if (body.event_id === undefined) throw ValidationError.field('hold_id', 'give hold_id, or event_id with seat_id or quantity');
  if ((body.seat_id === undefined) === (body.quantity === undefined)) {
    throw ValidationError.field('seat_id', 'give exactly one of seat_id (seated event) and quantity (standing event)');
  }
  return body.seat_id !== undefined
    ? { eventId: body.event_id.toLowerCase(), seatIds: [body.seat_id.toLowerCase()] }
    : { eventId: body.event_id.toLowerCase(), quantity: body.quantity! };
}

/** Confirm and cancel take no fields; an empty object (or no body) is fine. */
export function assertEmptyBody(body: unknown): void {
  if (body === undefined) return;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw ValidationError.field('body', 'must be a JSON object (Content-Type: application/json)');
  }
  const fields = Object.keys(body);
  if (fields.length > 0) throw new ValidationError(fields.map((field) => ({ field, message: 'unknown field: is not allowed' })));
}

export function ticketJson(ticket: Ticket) {
  return {
    id: ticket.id,
    event_id: ticket.eventId,
    seat_id: ticket.seatId,
    user_id: ticket.userId,
    status: ticket.status,
    price_cents: ticket.priceCents,
    reserved_until: ticket.reservedUntil.toISOString(),
    created_at: ticket.createdAt.toISOString(),
  };
}

export function historyJson(entry: TicketHistoryEntry) {
  return { from_status: entry.fromStatus, to_status: entry.toStatus, actor: entry.actor, reason: entry.reason, at: entry.at.toISOString() };
}
