import { randomBytes } from 'node:crypto';
import type { AdmitRequest, JoinOutcome, JoinRequest, WaitingRoom } from '../../lib/adapter/waiting-room';
import type { QueueCounts, QueueEntry, QueueStatus } from '../../lib/domain/queue-entry';
import type { RedisClient } from './client';
import { guardRedis, type LuaScript } from './lua-script';
import { ADMIT, COUNTS, JOIN, LEAVE, LIVE_ENTRY, REFRESH, SESSION } from './waiting-room-scripts';

type Row = [string, string, QueueStatus, string, string, number, number?];

/**
 * WaitingRoom on Redis, shared by every API process. Each operation is one Lua script over the six keys
 * of one event (hash tag `{<event_id>}`), listed in waiting-room-scripts.ts. Two keys live outside the
 * event's slot because their callers know no event: the session id -> event pointer (status, refresh and
 * leave arrive with a session id only) and the set of queued events (automatic admission). Layout and
 * reasoning: docs/queue.md.
 */
export class RedisWaitingRoom implements WaitingRoom {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async join(request: JoinRequest): Promise<JoinOutcome> {
    const { eventId, userId, sessionId, now, retainUntil } = request;
    const salt = randomBytes(16).toString('hex');
    const args = [now.getTime(), userId, sessionId, request.lottery ? '1' : '0', salt, retainUntil.getTime()];
    const row = (await JOIN.run(this.client, this.keys(eventId), args)) as Row;
    const created = row[6] === 1;
    // Written after the entry exists, and again on every join of a buyer already in line: these keys live
    // in slots of their own (on a Cluster, maybe on a node that is down while the event's is up), so a
    // join that failed here is repaired by the buyer's retry. Until then the gate still accepts the session
    // (it knows the event) but its status route answers 404; never a pointer to nothing.
    await guardRedis(() =>
      Promise.all([
        this.client.set(this.ref(row[0]), eventId, { expiration: { type: 'PXAT', value: retainUntil.getTime() } }),
        this.client.sAdd(this.eventsKey(), eventId),
      ]),
    );
    return { entry: toEntry(eventId, row), created };
  }

  liveEntry(eventId: string, userId: string, now: Date): Promise<QueueEntry | null> {
    return this.entry(LIVE_ENTRY, eventId, [now.getTime(), userId]);
  }

  eventOf(sessionId: string): Promise<string | null> {
    return guardRedis(() => this.client.get(this.ref(sessionId)));
  }

  session(eventId: string, sessionId: string, now: Date): Promise<QueueEntry | null> {
    return this.entry(SESSION, eventId, [now.getTime(), sessionId]);
  }

  async admit(eventId: string, { count, maxActive, ttlMs, now }: AdmitRequest): Promise<number> {
    return Number(await ADMIT.run(this.client, this.keys(eventId), [now.getTime(), count, maxActive, ttlMs]));
  }

  refresh(eventId: string, sessionId: string, ttlMs: number, now: Date): Promise<QueueEntry | null> {
    return this.entry(REFRESH, eventId, [now.getTime(), sessionId, ttlMs]);
  }

  leave(eventId: string, sessionId: string, now: Date): Promise<QueueEntry | null> {
    return this.entry(LEAVE, eventId, [now.getTime(), sessionId]);
  }

  async counts(eventId: string, now: Date): Promise<QueueCounts> {
    const [waiting, active] = (await COUNTS.run(this.client, this.keys(eventId), [now.getTime()])) as [number, number];
    return { waiting, active };
  }

  queuedEvents(): Promise<string[]> {
    return guardRedis(() => this.client.sMembers(this.eventsKey()));
  }

  async forgetEvent(eventId: string): Promise<void> {
    await guardRedis(() => this.client.sRem(this.eventsKey(), eventId));
  }

  private async entry(script: LuaScript, eventId: string, args: Array<string | number>): Promise<QueueEntry | null> {
    const row = (await script.run(this.client, this.keys(eventId), args)) as Row | null;
    return row ? toEntry(eventId, row) : null;
  }

  private keys(eventId: string): string[] {
    const base = `${this.prefix}queue:{${eventId}}:`;
    return ['waiting', 'active', 'users', 'sessions', 'seq', 'salt'].map((name) => base + name);
  }

  private ref(sessionId: string): string {
    return `${this.prefix}queue-session:${sessionId}`;
  }

  private eventsKey(): string {
    return `${this.prefix}queue-events`;
  }
}

function toEntry(eventId: string, [sessionId, userId, status, joined, expires, position]: Row): QueueEntry {
  return {
    sessionId,
    eventId,
    userId,
    status,
    position: Number(position),
    joinedAt: new Date(Number(joined)),
    expiresAt: expires === '0' || status === 'waiting' || status === 'left' ? null : new Date(Number(expires)),
  };
}
