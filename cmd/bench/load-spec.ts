import type { PhaseResult } from './stats';

/** Who signs in: `count` users `${prefix}${i}`, tokens signed by the load process itself. */
export interface Users {
  prefix: string;
  count: number;
}

interface Common {
  /** Base URL of the server under load, e.g. http://127.0.0.1:41234 */
  url: string;
  connections: number;
  jwtSecret: string;
}

/** POST /api/v1/holds of one random seat of `seatIds`, for `seconds`. Also drives `ceiling` and `express-baseline`. */
export interface HoldStormSpec extends Common {
  kind: 'hold-storm';
  phase: string;
  seconds: number;
  /** Unrecorded load first, so connection set-up and JIT warm-up do not land in the figures. */
  warmupSeconds: number;
  users: Users;
  eventId: string;
  seatIds: string[];
  ttlSeconds: number;
}

/** `users.count` distinct users, one hold each, user i on seat i % seatIds.length; every request sent once. */
export interface HotSeatSpec extends Common {
  kind: 'hot-seat';
  users: Users;
  eventId: string;
  seatIds: string[];
  ttlSeconds: number;
}

/** Hold -> purchase -> confirm until every seat and every standing place is sold, or `maxSeconds` pass. */
export interface FunnelSpec extends Common {
  kind: 'purchase-funnel';
  users: Users;
  seatedEventId: string;
  seatIds: string[];
  standingEventId: string;
  capacity: number;
  maxSeconds: number;
}

/**
 * `users.count` joins of a queued event, then `seconds` of position look-ups by random joined users: first
 * as fast as `connections` allow (throughput; latency there is mostly waiting in line), then paced at
 * `pacedRate` req/s over a few connections (latency of one look-up when the server is not saturated).
 */
export interface QueueSpec extends Common {
  kind: 'queue';
  users: Users;
  eventId: string;
  seconds: number;
  pacedRate: number;
}

export type LoadSpec = HoldStormSpec | HotSeatSpec | FunnelSpec | QueueSpec;

/** What the load process sends back over IPC. */
export type LoadReply = { ok: true; results: PhaseResult[] } | { ok: false; error: string };
