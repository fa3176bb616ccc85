import type { RouteDoc } from '../../../internal/controller/openapi/route-doc';

/** Names of the live fixture values a request may point at; resolved when the request is sent. */
export const REF_NAMES = [
  'seatedEventId',
  'standingEventId',
  'queuedEventId',
  'seatId',
  'heldSeatId',
  'ticketSeatId',
  'holdId',
  'holdFencingToken',
  'ticketId',
  'sessionId',
  'ownerId',
  'otherId',
  'adminId',
] as const;
export type RefName = (typeof REF_NAMES)[number];

/** A placeholder for a fixture value: fixtures are rebuilt during the run, so ids are looked up late. */
export class Ref {
  constructor(readonly name: RefName) {}
  toJSON(): string {
    return `<${this.name}>`;
  }
}

export interface HostileRoute {
  method: RouteDoc['method'];
  path: string;
  auth: RouteDoc['auth'];
  /** The body's component schema name, when the route documents one. */
  body: string | null;
  params: string[];
  /** An endless text/event-stream: only ever sent requests that fail before the stream opens. */
  streams: boolean;
}

// /metrics is operational text, not part of the API surface a client attacks; it takes no input at all.
const SKIPPED = new Set(['get /metrics']);

/** Every documented route, so a route added to ROUTE_DOCS is attacked without touching this test. */
export function hostileRoutes(docs: RouteDoc[]): HostileRoute[] {
  return docs
    .filter((doc) => !SKIPPED.has(`${doc.method} ${doc.path}`))
    .map((doc) => ({
      method: doc.method,
      path: doc.path,
      auth: doc.auth,
      body: typeof doc.body === 'string' ? doc.body : null,
      params: [...doc.path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
      streams: Object.values(doc.responses).some((r) => r.contentType === 'text/event-stream'),
    }));
}

const EVENTS: RefName[] = ['seatedEventId', 'standingEventId', 'queuedEventId'];
const SEATS: RefName[] = ['seatId', 'heldSeatId', 'ticketSeatId'];
const USERS: RefName[] = ['ownerId', 'otherId', 'adminId'];

/**
 * Fixture values that fit a path parameter or body field, guessed from its name (and, for a bare `id`,
 * from the resource before it). Unknown names get every fixture id: a new route still meets real ids.
 */
export function refsFor(name: string, path = ''): RefName[] {
  if (name === 'id') {
    if (path.includes('/holds')) return ['holdId'];
    if (path.includes('/tickets')) return ['ticketId'];
    if (path.includes('/events')) return EVENTS;
  }
  if (name === 'event_id') return EVENTS;
  // The free seat twice as often: a body naming it gets past the conflict checks to the write paths.
  if (name === 'seat_id' || name === 'seat_ids') return path ? SEATS : ['seatId', 'seatId', ...SEATS];
  if (name === 'hold_id') return ['holdId'];
  if (name === 'fencing_token') return ['holdFencingToken'];
  if (name === 'session_id') return ['sessionId'];
  if (name === 'user_id') return USERS;
  return REF_NAMES.filter((ref) => ref !== 'holdFencingToken');
}
