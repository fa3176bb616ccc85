import type { RouteDoc } from './route-doc';

const page = [
  { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 10_000, default: 1_000 }, description: 'Seats per page.' },
  { name: 'cursor', schema: { type: 'string' }, description: 'The next_cursor of the previous page.' },
];

export const EVENT_ROUTES: RouteDoc[] = [
  { method: 'post', path: '/api/v1/events', tag: 'events', auth: 'admin', summary: 'Create an event', body: 'EventBodyDto', responses: { 201: { description: 'Created', schema: 'Event' } } },
  { method: 'get', path: '/api/v1/events/active', tag: 'events', summary: 'Events not yet ended', responses: { 200: { description: 'OK', schema: 'EventList' } } },
  { method: 'get', path: '/api/v1/events/:id', tag: 'events', summary: 'An event with its counts', responses: { 200: { description: 'OK', schema: 'EventDetail' } } },
  { method: 'put', path: '/api/v1/events/:id', tag: 'events', auth: 'admin', summary: 'Replace an event', body: 'EventBodyDto', responses: { 200: { description: 'OK', schema: 'Event' } }, problems: { 409: 'is_seated_event cannot change once seats exist' } },
  { method: 'delete', path: '/api/v1/events/:id', tag: 'events', auth: 'admin', summary: 'Delete an event', responses: { 204: { description: 'Deleted' } }, problems: { 409: 'The event has tickets' } },
  {
    method: 'post',
    path: '/api/v1/events/:id/seats',
    tag: 'seats',
    auth: 'admin',
    summary: 'Add up to 50,000 seats, all or nothing (body limit 8 MB)',
    body: 'AddSeatsDto',
    responses: { 201: { description: 'Created', schema: 'SeatsCreated' } },
    problems: { 409: 'A seat repeats another, or the event is standing', 413: 'Body over 8 MB' },
  },
  { method: 'get', path: '/api/v1/events/:id/seats', tag: 'seats', summary: 'Seats in creation order', query: page, responses: { 200: { description: 'OK', schema: 'SeatPage' } } },
  { method: 'get', path: '/api/v1/events/:id/seats/available', tag: 'seats', summary: 'Seats free to hold (a page may hold fewer than limit)', query: page, responses: { 200: { description: 'OK', schema: 'SeatPage' } } },
  { method: 'get', path: '/api/v1/events/:id/seats/:seat_id', tag: 'seats', auth: 'optional', summary: 'One seat with its status', responses: { 200: { description: 'OK', schema: 'Seat' } } },
];
