import { inject, injectable } from 'inversify';
import { Clock } from '../../lib/adapter/clock';
import { Metrics } from '../../lib/adapter/metrics';
import { WaitingRoom } from '../../lib/adapter/waiting-room';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/domain/errors';
import type { Event, QueueSettings } from '../../lib/domain/event';
import { isUuid, newId } from '../../lib/domain/id';
import { canActFor, type Principal } from '../../lib/domain/principal';
import { estimatedWaitSeconds, type QueueCounts, type QueueEntry } from '../../lib/domain/queue-entry';
import { enabledQueue, joinsByLottery, opensGate, queueOpen, retainQueueUntil } from '../../lib/domain/session';
import { EventService } from './event.service';

export interface JoinedEntry {
  entry: QueueEntry;
  /** False when the caller was already waiting or active and got that entry back. */
  created: boolean;
  estimatedWaitSeconds: number | null;
}

/** The header name is the controller's business; the code is what clients match on. */
export const QUEUE_SESSION_REQUIRED = 'queue-session-required';

/** The virtual waiting room: joining, watching one's place, admission, sessions and the purchase gate. */
@injectable()
export class QueueService {
  constructor(
    @inject(WaitingRoom) private readonly room: WaitingRoom,
    @inject(EventService) private readonly events: EventService,
    @inject(Clock) private readonly clock: Clock,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  async join(principal: Principal, eventId: string): Promise<JoinedEntry> {
    const event = await this.events.current(eventId);
    const queue = this.requireQueue(event);
    const now = this.clock.now();
    if (!queueOpen(event, now)) {
      // Closed sales turn away newcomers only: someone already in keeps seeing their entry.
      const live = await this.room.liveEntry(eventId, principal.userId, now);
      if (!live) throw new ConflictError('queue-closed', 'The sale of this event is over; its queue takes no one new.');
      return { entry: live, created: false, estimatedWaitSeconds: this.estimate(live, queue) };
    }
    const { entry, created } = await this.room.join({
      eventId,
      userId: principal.userId,
      sessionId: newId(),
      lottery: joinsByLottery(event, now),
      now,
      retainUntil: retainQueueUntil(event),
    });
    if (created) this.metrics.queueJoined();
    return { entry, created, estimatedWaitSeconds: this.estimate(entry, queue) };
  }

  /** The user's waiting or active entry; only that user or an admin may look. */
  async position(principal: Principal, eventId: string, userId: string): Promise<QueueEntry> {
    if (!canActFor(principal, userId)) throw new ForbiddenError("Only that user or an admin may see this user's place.");
    // Buyers poll this: the event is read only to tell "no such event" from "not in line".
    const entry = await this.room.liveEntry(eventId, userId, this.clock.now());
    if (entry) return entry;
    await this.events.require(eventId);
    throw new NotFoundError('Queue entry of user', userId);
  }

  async status(principal: Principal, sessionId: string): Promise<QueueEntry> {
    const entry = await this.requireSession(sessionId);
    if (!canActFor(principal, entry.userId)) throw new ForbiddenError('Only its owner or an admin may see this session.');
    return entry;
  }

  async length(eventId: string): Promise<QueueCounts> {
    // Public and polled by every waiting buyer: only an empty answer needs the event read to tell a 404.
    const counts = await this.room.counts(eventId, this.clock.now());
    if (counts.waiting === 0 && counts.active === 0) await this.events.require(eventId);
    return counts;
  }

  /** An admin admits the next `count` waiting buyers, within the event's maximum of active sessions. */
  async process(eventId: string, count: number): Promise<number> {
    const queue = this.requireQueue(await this.events.require(eventId));
    const admitted = await this.room.admit(eventId, {
      count,
      maxActive: queue.maxActiveSessions,
      ttlMs: queue.sessionTtlSeconds * 1_000,
      now: this.clock.now(),
    });
    this.metrics.queueAdmitted(admitted);
    return admitted;
  }

  /** Keeps the owner's active session alive for another session_ttl_seconds. */
  async refresh(principal: Principal, sessionId: string): Promise<QueueEntry> {
    const owned = await this.ownedSession(principal, sessionId);
    const queue = this.requireQueue(await this.events.require(owned.eventId));
    const entry = await this.room.refresh(owned.eventId, sessionId, queue.sessionTtlSeconds * 1_000, this.clock.now());
    if (!entry) throw new NotFoundError('Queue session', sessionId);
    if (entry.status !== 'active') {
      throw new ConflictError('queue-session-not-active', `Only an active session can be refreshed; this one is ${entry.status}.`, {
        extensions: { session_status: entry.status },
      });
    }
    return entry;
  }

  /** Leaves the line or frees the active slot; leaving an ended session again is a no-op. */
  async leave(principal: Principal, sessionId: string): Promise<void> {
    const owned = await this.ownedSession(principal, sessionId);
    await this.room.leave(owned.eventId, sessionId, this.clock.now());
  }

  /**
   * The gate for holds and purchases. Does nothing when the event has no enabled queue; otherwise throws
   * ForbiddenError (`queue-session-required`) unless `sessionId` names an active, unexpired session of
   * this caller for this event. Admins get no bypass: an admin buying seats is a buyer.
   */
  async assertAdmitted(principal: Principal, event: Event, sessionId: string | undefined): Promise<void> {
    if (!enabledQueue(event)) return;
    const entry = sessionId && isUuid(sessionId) ? await this.room.session(event.id, sessionId.toLowerCase(), this.clock.now()) : null;
    if (!opensGate(entry, event.id, principal.userId)) {
      throw new ForbiddenError(
        'This event sells through its waiting room: send X-Queue-Session with your active queue session.',
        QUEUE_SESSION_REQUIRED,
      );
    }
  }

  private requireQueue(event: Event): QueueSettings {
    const queue = enabledQueue(event);
    if (!queue) throw new ConflictError('queue-not-enabled', 'This event has no waiting room: buy directly.');
    return queue;
  }

  private async requireSession(sessionId: string): Promise<QueueEntry> {
    const eventId = await this.room.eventOf(sessionId);
    const entry = eventId === null ? null : await this.room.session(eventId, sessionId, this.clock.now());
    if (!entry) throw new NotFoundError('Queue session', sessionId);
    return entry;
  }

  /** Refresh and leave are the owner's alone: an admin may look at a session but not act as its buyer. */
  private async ownedSession(principal: Principal, sessionId: string): Promise<QueueEntry> {
    const entry = await this.requireSession(sessionId);
    if (entry.userId !== principal.userId) throw new ForbiddenError('Only the owner of this session may do this.');
    return entry;
  }

  private estimate(entry: QueueEntry, queue: QueueSettings): number | null {
    return entry.status === 'waiting' ? estimatedWaitSeconds(entry.position, queue.admitPerMinute) : 0;
  }
}
