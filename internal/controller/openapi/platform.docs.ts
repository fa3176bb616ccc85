import type { RouteDoc } from './route-doc';

export const PLATFORM_ROUTES: RouteDoc[] = [
  { method: 'get', path: '/health', tag: 'operations', summary: 'Liveness of the service and its dependencies', responses: { 200: { description: 'All dependencies answer', schema: 'Health' } }, problems: {} },
  { method: 'get', path: '/metrics', tag: 'operations', summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain', schema: { type: 'string' } } } },
  { method: 'get', path: '/api/v1/openapi.json', tag: 'operations', summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', schema: { type: 'object' } } } },
  {
    method: 'get',
    path: '/api/v1/events/:id/stream',
    tag: 'events',
    summary: 'Live availability (Server-Sent Events): `seat` {seat_id, status} with ids, `availability` counts, `sold_out`',
    headers: [{ name: 'Last-Event-ID', description: 'Resume after this id (browsers send it on reconnect); also accepted as ?last_event_id=' }],
    responses: { 200: { description: 'An endless text/event-stream', contentType: 'text/event-stream', schema: { type: 'string' } } },
  },
];
