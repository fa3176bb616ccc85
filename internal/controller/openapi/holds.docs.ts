import type { RouteDoc } from './route-doc';

const queueSession = { name: 'X-Queue-Session', description: "The caller's active waiting-room session; required when the event's queue is enabled" };

export const HOLD_ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/holds',
    tag: 'holds',
    auth: 'user',
    summary: 'Hold seats (seat_ids) or standing places (quantity), all or none, for ttl_seconds (default 300)',
    body: 'HoldBodyDto',
    headers: [queueSession],
    responses: { 201: { description: 'Held', schema: 'Hold' } },
    problems: {
      409: 'seats-unavailable (conflicting_seat_ids, retry_after_seconds + Retry-After while held), capacity-exhausted, hold-limit-exceeded, sale-not-open, sale-closed, event-ended',
    },
  },
  { method: 'get', path: '/api/v1/holds/:id', tag: 'holds', auth: 'user', summary: 'A live hold (holder or admin)', responses: { 200: { description: 'OK', schema: 'Hold' } } },
  { method: 'delete', path: '/api/v1/holds/:id', tag: 'holds', auth: 'user', summary: 'Release a hold (holder or admin)', responses: { 204: { description: 'Released' } } },
  {
    method: 'post',
    path: '/api/v1/holds/:id/extend',
    tag: 'holds',
    auth: 'user',
    summary: 'Extend a hold (holder), never past 15 minutes after it was created',
    body: 'ExtendHoldDto',
    responses: { 200: { description: 'Extended', schema: 'Hold' } },
  },
];
