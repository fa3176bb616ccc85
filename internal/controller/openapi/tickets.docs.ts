import type { RouteDoc } from './route-doc';

const idempotency = {
  name: 'Idempotency-Key',
  description: 'Retry safely: the same key, body and user within 24 h replays the first answer (Idempotent-Replayed: true); another body -> 422; while the first is in flight -> 409',
};
const queueSession = { name: 'X-Queue-Session', description: "The caller's active waiting-room session; required when the event's queue is enabled" };
const retryProblems = { 409: 'Conflict, or idempotency-in-flight', 422: 'idempotency-key-reused: the key was used with another request' };

export const TICKET_ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/tickets/purchase',
    tag: 'tickets',
    auth: 'user',
    summary: 'Buy a hold ({hold_id}, preferred), or hold and buy in one call ({event_id, seat_id} / {event_id, quantity}); tickets are reserved until paid',
    body: 'PurchaseDto',
    headers: [idempotency, queueSession],
    responses: { 201: { description: 'Reserved', schema: 'TicketList' } },
    problems: { ...retryProblems, 409: 'hold-expired (lost, expired or re-taken hold), seats-unavailable, sold-out, idempotency-in-flight' },
  },
  { method: 'post', path: '/api/v1/tickets/:id/confirm', tag: 'tickets', auth: 'user', summary: 'Record payment: reserved -> sold (owner or admin)', headers: [idempotency], responses: { 200: { description: 'Sold', schema: 'Ticket' } }, problems: { ...retryProblems, 409: 'ticket-expired, ticket-cancelled, invalid-ticket-transition' } },
  { method: 'post', path: '/api/v1/tickets/:id/cancel', tag: 'tickets', auth: 'user', summary: 'Cancel (or refund a sold ticket); the seat is available again (owner or admin)', headers: [idempotency], responses: { 200: { description: 'Cancelled', schema: 'Ticket' } }, problems: { ...retryProblems, 409: 'ticket-expired, ticket-cancelled' } },
  {
    method: 'get',
    path: '/api/v1/tickets/user/:user_id',
    tag: 'tickets',
    auth: 'user',
    summary: "A user's tickets (that user or admin)",
    query: [
      { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 1_000, default: 100 }, description: 'Tickets per page.' },
      { name: 'cursor', schema: { type: 'string' }, description: 'The next_cursor of the previous page.' },
    ],
    responses: { 200: { description: 'OK', schema: 'TicketPage' } },
  },
  { method: 'get', path: '/api/v1/tickets/:id', tag: 'tickets', auth: 'user', summary: 'A ticket (owner or admin)', responses: { 200: { description: 'OK', schema: 'Ticket' } } },
  { method: 'get', path: '/api/v1/tickets/:id/history', tag: 'tickets', auth: 'user', summary: 'Every status change, with actor and time (owner or admin)', responses: { 200: { description: 'OK', schema: 'TicketHistory' } } },
  { method: 'patch', path: '/api/v1/tickets/:id/status', tag: 'tickets', auth: 'admin', summary: 'Set a status along the legal transitions (admin)', body: 'TicketStatusDto', responses: { 200: { description: 'OK', schema: 'Ticket' } }, problems: { 409: 'Not a legal transition' } },
];
