import type { RouteDoc } from './route-doc';

export const QUEUE_ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/queue/join',
    tag: 'queue',
    auth: 'user',
    summary: "Join an event's waiting room (200 with the same entry when already in it)",
    body: 'JoinQueueDto',
    responses: { 201: { description: 'Joined', schema: 'QueueEntry' }, 200: { description: 'Already in the queue', schema: 'QueueEntry' } },
    problems: { 409: 'queue-not-enabled, queue-closed' },
  },
  { method: 'get', path: '/api/v1/queue/position/:event_id/:user_id', tag: 'queue', auth: 'user', summary: "A user's place (that user or admin)", responses: { 200: { description: 'OK', schema: 'QueuePosition' } } },
  { method: 'get', path: '/api/v1/queue/status/:session_id', tag: 'queue', auth: 'user', summary: 'A session (owner or admin)', responses: { 200: { description: 'OK', schema: 'QueueStatus' } } },
  { method: 'get', path: '/api/v1/queue/length/:event_id', tag: 'queue', summary: 'Buyers waiting and active', responses: { 200: { description: 'OK', schema: 'QueueLength' } } },
  {
    method: 'post',
    path: '/api/v1/queue/process/:event_id',
    tag: 'queue',
    auth: 'admin',
    summary: 'Admit the next count waiting buyers, never beyond max_active_sessions',
    body: 'ProcessQueueDto',
    responses: { 200: { description: 'Admitted', schema: { type: 'object', required: ['admitted'], properties: { admitted: { type: 'integer', minimum: 0 } } } } },
    problems: { 409: 'queue-not-enabled' },
  },
  {
    method: 'post',
    path: '/api/v1/queue/refresh',
    tag: 'queue',
    auth: 'user',
    summary: 'Extend an active session (owner)',
    body: 'RefreshSessionDto',
    responses: { 200: { description: 'Refreshed', schema: 'QueueStatus' } },
    problems: { 404: 'No such session', 409: 'queue-session-not-active' },
  },
  { method: 'delete', path: '/api/v1/queue/:session_id', tag: 'queue', auth: 'user', summary: 'Leave the queue or free the active slot (owner)', responses: { 204: { description: 'Left' } } },
];
