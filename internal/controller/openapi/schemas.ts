// class-transformer's own metadata (nested @Type); its typings live beside the CommonJS build.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

type Converters = NonNullable<NonNullable<Parameters<typeof validationMetadatasToSchemas>[0]>['additionalConverters']>;

const timestamp = { type: 'string', format: 'date-time' } as const;
const uuid = { type: 'string', format: 'uuid' };
const nullable = (schema: Record<string, unknown>) => ({ oneOf: [schema, { type: 'null' }] });

// Our ValidateBy validators, by name.
const CUSTOM_VALIDATORS: Converters = {
  customValidation: (meta) => {
    if (meta.name === 'isTimestamp') return { ...timestamp };
    if (meta.name === 'isSeatLabel') return { oneOf: [{ type: 'string', minLength: 1, maxLength: 16 }, { type: 'integer', minimum: 0 }] };
    return {};
  },
};

/** Request schemas, generated from the class-validator DTOs (so they cannot disagree with validation). */
export function dtoSchemas(): Record<string, unknown> {
  return validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    classValidatorMetadataStorage: getMetadataStorage(),
    additionalConverters: CUSTOM_VALIDATORS,
  }) as Record<string, unknown>;
}

const queueStatus = { enum: ['waiting', 'active', 'expired', 'left'] };
const ticketStatus = { enum: ['reserved', 'sold', 'cancelled', 'expired'] };

const ticket = {
  type: 'object',
  required: ['id', 'event_id', 'seat_id', 'user_id', 'status', 'price_cents', 'reserved_until', 'created_at'],
  properties: {
    id: uuid,
    event_id: uuid,
    seat_id: nullable(uuid),
    user_id: { type: 'string' },
    status: ticketStatus,
    price_cents: { type: 'integer', minimum: 0 },
    reserved_until: timestamp,
    created_at: timestamp,
  },
};

const counts = {
  type: 'object',
  required: ['available', 'held', 'reserved', 'sold'],
  properties: {
    ...Object.fromEntries(['available', 'reserved', 'sold'].map((k) => [k, { type: 'integer', minimum: 0 }])),
    held: { ...nullable({ type: 'integer', minimum: 0 }), description: 'null while the hold store is unreachable' },
  },
};

const queueSettings = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    admit_per_minute: { type: 'integer' },
    max_active_sessions: { type: 'integer' },
    session_ttl_seconds: { type: 'integer' },
  },
};

const event = {
  type: 'object',
  required: ['id', 'name', 'venue', 'start_time', 'end_time', 'is_seated_event', 'status', 'created_at', 'updated_at'],
  properties: {
    id: uuid,
    name: { type: 'string' },
    description: nullable({ type: 'string' }),
    venue: { type: 'string' },
    start_time: timestamp,
    end_time: timestamp,
    is_seated_event: { type: 'boolean' },
    total_tickets: nullable({ type: 'integer' }),
    sale_starts_at: nullable(timestamp),
    sale_ends_at: nullable(timestamp),
    queue: nullable(queueSettings),
    status: { enum: ['scheduled', 'on_sale', 'sale_closed', 'ended'] },
    created_at: timestamp,
    updated_at: timestamp,
  },
};

const seat = {
  type: 'object',
  required: ['id', 'event_id', 'section', 'row', 'number', 'price_cents', 'category', 'status'],
  properties: {
    id: uuid,
    event_id: uuid,
    section: { type: 'string' },
    row: { type: 'string' },
    number: { type: 'string' },
    price_cents: { type: 'integer' },
    category: nullable({ type: 'string' }),
    status: { enum: ['available', 'held', 'reserved', 'sold'] },
    held_until: timestamp,
    retry_after_seconds: { type: 'integer' },
    held_by: { type: 'string', description: 'Only for the holder and admins.' },
  },
};

/** Response schemas, written by hand (responses are built by presenter functions, not classes). */
export const RESPONSE_SCHEMAS: Record<string, unknown> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details; extension members depend on `type`.',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', description: 'A relative URI: /problems/<code>' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      retry_after_seconds: { type: 'integer' },
    },
  },
  Health: {
    type: 'object',
    required: ['status', 'checks'],
    properties: { status: { enum: ['ok', 'unavailable'] }, checks: { type: 'object', additionalProperties: { enum: ['ok', 'unavailable'] } } },
  },
  Counts: counts,
  Event: event,
  EventDetail: { allOf: [{ $ref: '#/components/schemas/Event' }, { type: 'object', required: ['counts'], properties: { counts } }] },
  EventList: { type: 'object', required: ['events'], properties: { events: { type: 'array', items: { $ref: '#/components/schemas/Event' } } } },
  Seat: seat,
  SeatPage: {
    type: 'object',
    required: ['seats', 'next_cursor'],
    properties: { seats: { type: 'array', items: { $ref: '#/components/schemas/Seat' } }, next_cursor: nullable({ type: 'string' }) },
  },
  SeatsCreated: { type: 'object', required: ['created'], properties: { created: { type: 'integer' } } },
  Hold: {
    type: 'object',
    required: ['id', 'event_id', 'user_id', 'seat_ids', 'quantity', 'fencing_token', 'created_at', 'expires_at'],
    properties: {
      id: uuid,
      event_id: uuid,
      user_id: { type: 'string' },
      seat_ids: { type: 'array', items: uuid },
      quantity: { type: 'integer', minimum: 1 },
      fencing_token: { type: 'integer', description: 'Increasing per event (unless Redis loses the counter mid-rush: compare for equality only); purchase accepts only the live hold\'s token.' },
      created_at: timestamp,
      expires_at: timestamp,
    },
  },
  QueueEntry: {
    type: 'object',
    required: ['session_id', 'event_id', 'user_id', 'status', 'position', 'estimated_wait_seconds', 'joined_at', 'expires_at'],
    properties: {
      session_id: uuid,
      event_id: uuid,
      user_id: { type: 'string' },
      status: queueStatus,
      position: { type: 'integer', minimum: 0, description: '1-based among waiting buyers; 0 when active' },
      estimated_wait_seconds: nullable({ type: 'integer' }),
      joined_at: timestamp,
      expires_at: nullable(timestamp),
    },
  },
  QueueStatus: {
    type: 'object',
    required: ['session_id', 'event_id', 'status', 'position', 'expires_at'],
    properties: { session_id: uuid, event_id: uuid, status: queueStatus, position: { type: 'integer', minimum: 0 }, expires_at: nullable(timestamp) },
  },
  QueuePosition: { type: 'object', required: ['position', 'status'], properties: { position: { type: 'integer', minimum: 0 }, status: queueStatus } },
  Ticket: ticket,
  TicketList: { type: 'object', required: ['tickets'], properties: { tickets: { type: 'array', items: { $ref: '#/components/schemas/Ticket' } } } },
  TicketPage: {
    type: 'object',
    required: ['tickets', 'next_cursor'],
    properties: { tickets: { type: 'array', items: { $ref: '#/components/schemas/Ticket' } }, next_cursor: nullable({ type: 'string' }) },
  },
  TicketHistory: {
    type: 'object',
    required: ['history'],
    properties: {
      history: {
        type: 'array',
        items: {
          type: 'object',
          required: ['from_status', 'to_status', 'actor', 'reason', 'at'],
          properties: { from_status: nullable(ticketStatus), to_status: ticketStatus, actor: { type: 'string' }, reason: nullable({ type: 'string' }), at: timestamp },
        },
      },
    },
  },
  QueueLength: { type: 'object', required: ['waiting', 'active'], properties: { waiting: { type: 'integer', minimum: 0 }, active: { type: 'integer', minimum: 0 } } },
};
