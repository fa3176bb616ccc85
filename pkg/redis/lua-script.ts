import { createHash } from 'node:crypto';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  TimeoutError,
} from 'redis';
import { DependencyUnavailableError } from '../../lib/domain/errors';
import type { RedisClient } from './client';

// Failures meaning "Redis cannot serve this right now" (503, retry) rather than a bug (500).
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS)\b/;
const UNAVAILABLE_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  TimeoutError,
];

function isUnavailable(error: unknown): boolean {
  if (error instanceof ErrorReply) return UNAVAILABLE_REPLY.test(error.message);
  const code = (error as { code?: unknown } | null)?.code;
  return UNAVAILABLE_ERRORS.some((type) => error instanceof type) || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE';
}

/**
 * How long one piece of Redis work may take. Our scripts take well under a millisecond; only a stalled Redis
 * (paused, overloaded, partitioned without a reset) comes near it. node-redis cannot time out a command
 * already written (replies must be read in order), so the deadline is ours: the caller gets a 503 while the
 * client still reads the late reply and stays in step.
 */
export const REDIS_DEADLINE_MS = 800;

interface InFlight {
  until: number;
  deadlineMs: number;
  reject(error: unknown): void;
}

// One coarse timer for every call in flight instead of a timer per call: the hot path calls Redis tens of
// thousands of times a second, and a deadline that fires up to a tick late is still a deadline.
const DEADLINE_TICK_MS = 50;
const inFlight = new Set<InFlight>();
let ticker: NodeJS.Timeout | null = null;

function watchDeadlines(): void {
  if (ticker) return;
  ticker = setInterval(() => {
    const now = Date.now();
    for (const call of inFlight) {
      if (call.until > now) continue;
      inFlight.delete(call);
      call.reject(new DependencyUnavailableError('cache', new Error(`no answer from Redis in ${call.deadlineMs} ms`)));
    }
    if (inFlight.size === 0) {
      clearInterval(ticker!);
      ticker = null;
    }
  }, DEADLINE_TICK_MS);
  ticker.unref();
}

function unavailableOr(error: unknown): unknown {
  if (error instanceof DependencyUnavailableError) return error;
  return isUnavailable(error) ? new DependencyUnavailableError('cache', error) : error;
}

/**
 * Runs Redis work, turning "Redis is down, busy or stalled" into DependencyUnavailableError (503,
 * retryable). Work that missed the deadline may still complete in Redis later (a hold then lapses by its
 * TTL); it never completes twice.
 */
export function guardRedis<T>(work: () => Promise<T>, deadlineMs = REDIS_DEADLINE_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const call: InFlight = { until: Date.now() + deadlineMs, deadlineMs, reject };
    inFlight.add(call);
    watchDeadlines();
    const settle = (outcome: () => void) => {
      // After the deadline fired, the late outcome has nobody to tell.
      if (inFlight.delete(call)) outcome();
    };
    let started: Promise<T>;
    try {
      started = work();
    } catch (error) {
      started = Promise.reject(error);
    }
    started.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(unavailableOr(error))),
    );
  });
}

/** A Lua script run by SHA, so each call sends 40 bytes instead of the source. */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** EVALSHA, falling back to EVAL on NOSCRIPT (a restarted or failed-over Redis forgets its scripts). */
  run(client: RedisClient, keys: string[], args: Array<string | number>): Promise<unknown> {
    const options = { keys, arguments: args.map(String) };
    return guardRedis(async () => {
      try {
        return await client.evalSha(this.sha, options);
      } catch (error) {
        if (!(error instanceof ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(this.source, options);
      }
    });
  }
}
