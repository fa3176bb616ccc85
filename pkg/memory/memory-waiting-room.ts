import { createHash, randomBytes } from 'node:crypto';
import type { AdmitRequest, JoinOutcome, JoinRequest, WaitingRoom } from '../../lib/adapter/waiting-room';
import type { QueueCounts, QueueEntry, QueueStatus } from '../../lib/domain/queue-entry';
import { OrderStatisticTree } from './order-statistic-tree';

type Key = [number, string];
const byScoreThenId = (a: Key, b: Key) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

interface SessionRecord {
  userId: string;
  state: QueueStatus;
  joinedAt: number;
  /** Expiry in ms while or since active; 0 otherwise. */
  expiresAt: number;
  score: number;
}

interface Room {
  /** [line score, session id]: lottery draws in [0,1), then a sequence from 1. */
  waiting: OrderStatisticTree<Key>;
  /** [expiry ms, session id]: expired ones are a prefix, so purging and counting never scan. */
  active: OrderStatisticTree<Key>;
  users: Map<string, string>;
  sessions: Map<string, SessionRecord>;
  seq: number;
  salt: string;
}

/**
 * WaitingRoom within one process (embedded mode). Every method runs synchronously to completion, which
 * makes it as atomic as a Redis script; the order-statistic trees keep position and counts O(log n).
 */
export class MemoryWaitingRoom implements WaitingRoom {
  private readonly rooms = new Map<string, Room>();
  private readonly sessionEvents = new Map<string, string>();

  async join({ eventId, userId, sessionId, lottery, now }: JoinRequest): Promise<JoinOutcome> {
    const room = this.room(eventId);
    const at = now.getTime();
    this.purge(room, at);
    const current = room.users.get(userId);
    const currentRecord = current === undefined ? undefined : room.sessions.get(current);
    if (current !== undefined && currentRecord) {
      const status = statusOf(currentRecord, at);
      if (status === 'waiting' || status === 'active') return { entry: this.entry(room, eventId, current, currentRecord, at), created: false };
      this.finish(room, current, currentRecord, status);
    }
    // Same rule as the Redis script: a draw fixed per (salt, user), so rejoining rerolls nothing.
    const score = lottery ? parseInt(createHash('sha1').update(room.salt + userId).digest('hex').slice(0, 12), 16) / 2 ** 48 : ++room.seq;
    const record: SessionRecord = { userId, state: 'waiting', joinedAt: at, expiresAt: 0, score };
    room.waiting.insert([score, sessionId]);
    room.users.set(userId, sessionId);
    room.sessions.set(sessionId, record);
    this.sessionEvents.set(sessionId, eventId);
    return { entry: this.entry(room, eventId, sessionId, record, at), created: true };
  }

  async liveEntry(eventId: string, userId: string, now: Date): Promise<QueueEntry | null> {
    const room = this.rooms.get(eventId);
    const sessionId = room?.users.get(userId);
    const record = sessionId === undefined ? undefined : room!.sessions.get(sessionId);
    if (!room || sessionId === undefined || !record) return null;
    const entry = this.entry(room, eventId, sessionId, record, now.getTime());
    return entry.status === 'waiting' || entry.status === 'active' ? entry : null;
  }

  async eventOf(sessionId: string): Promise<string | null> {
    return this.sessionEvents.get(sessionId) ?? null;
  }

  async session(eventId: string, sessionId: string, now: Date): Promise<QueueEntry | null> {
    const room = this.rooms.get(eventId);
    const record = room?.sessions.get(sessionId);
    return room && record ? this.entry(room, eventId, sessionId, record, now.getTime()) : null;
  }

  async admit(eventId: string, { count, maxActive, ttlMs, now }: AdmitRequest): Promise<number> {
    const room = this.rooms.get(eventId);
    if (!room) return 0;
    const at = now.getTime();
    this.purge(room, at);
    let admitted = 0;
    while (admitted < count && room.active.size < maxActive) {
      const next = room.waiting.popMin();
      if (!next) break;
      const record = room.sessions.get(next[1])!;
      record.state = 'active';
      record.expiresAt = at + ttlMs;
      room.active.insert([record.expiresAt, next[1]]);
      admitted++;
    }
    return admitted;
  }

  async refresh(eventId: string, sessionId: string, ttlMs: number, now: Date): Promise<QueueEntry | null> {
    return this.change(eventId, sessionId, now.getTime(), (room, record, status) => {
      if (status !== 'active') return;
      room.active.delete([record.expiresAt, sessionId]);
      record.expiresAt = now.getTime() + ttlMs;
      room.active.insert([record.expiresAt, sessionId]);
    });
  }

  async leave(eventId: string, sessionId: string, now: Date): Promise<QueueEntry | null> {
    return this.change(eventId, sessionId, now.getTime(), (room, record, status) => {
      if (status === 'waiting' || status === 'active') this.finish(room, sessionId, record, 'left');
    });
  }

  async counts(eventId: string, now: Date): Promise<QueueCounts> {
    const room = this.rooms.get(eventId);
    if (!room) return { waiting: 0, active: 0 };
    // Sessions expiring at or before now sort first: the rest are the live ones.
    const lapsed = room.active.rank([now.getTime(), '\uffff']);
    return { waiting: room.waiting.size, active: room.active.size - lapsed };
  }

  async queuedEvents(): Promise<string[]> {
    return [...this.rooms.keys()];
  }

  async forgetEvent(eventId: string): Promise<void> {
    const room = this.rooms.get(eventId);
    if (!room) return;
    for (const sessionId of room.sessions.keys()) this.sessionEvents.delete(sessionId);
    this.rooms.delete(eventId);
  }

  private room(eventId: string): Room {
    let room = this.rooms.get(eventId);
    if (!room) {
      room = {
        waiting: new OrderStatisticTree(byScoreThenId),
        active: new OrderStatisticTree(byScoreThenId),
        users: new Map(),
        sessions: new Map(),
        seq: 0,
        salt: randomBytes(16).toString('hex'),
      };
      this.rooms.set(eventId, room);
    }
    return room;
  }

  /** Lapsed sessions leave the active set before anything counts it. */
  private purge(room: Room, at: number): void {
    for (let next = room.active.min(); next && next[0] <= at; next = room.active.min()) {
      this.finish(room, next[1], room.sessions.get(next[1])!, 'expired');
    }
  }

  private finish(room: Room, sessionId: string, record: SessionRecord, state: 'expired' | 'left'): void {
    if (record.state === 'waiting') room.waiting.delete([record.score, sessionId]);
    if (record.state === 'active') room.active.delete([record.expiresAt, sessionId]);
    record.state = state;
    if (state === 'left') record.expiresAt = 0;
    if (room.users.get(record.userId) === sessionId) room.users.delete(record.userId);
  }

  private change(
    eventId: string,
    sessionId: string,
    at: number,
    apply: (room: Room, record: SessionRecord, status: QueueStatus) => void,
  ): QueueEntry | null {
    const room = this.rooms.get(eventId);
    const record = room?.sessions.get(sessionId);
    if (!room || !record) return null;
    const status = statusOf(record, at);
    if (status === 'expired' && record.state === 'active') this.finish(room, sessionId, record, 'expired');
    else apply(room, record, status);
    return this.entry(room, eventId, sessionId, record, at);
  }

  private entry(room: Room, eventId: string, sessionId: string, record: SessionRecord, at: number): QueueEntry {
    const status = statusOf(record, at);
    return {
      sessionId,
      eventId,
      userId: record.userId,
      status,
      position: status === 'waiting' ? room.waiting.rank([record.score, sessionId]) + 1 : 0,
      joinedAt: new Date(record.joinedAt),
      expiresAt: status === 'active' || status === 'expired' ? new Date(record.expiresAt) : null,
    };
  }
}

function statusOf(record: SessionRecord, at: number): QueueStatus {
  return record.state === 'active' && record.expiresAt <= at ? 'expired' : record.state;
}
