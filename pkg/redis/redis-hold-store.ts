import type { ExpiredHolds, HoldOutcome, HoldStore, QuantityHoldRequest, SeatHoldInfo, SeatHoldRequest } from '../../lib/adapter/hold-store';
import type { Hold } from '../../lib/domain/hold';
import type { RedisClient } from './client';
import { HOLD_SCRIPTS } from './hold-scripts';
import { guardRedis } from './lua-script';

// One script call per chunk keeps a 10,000-seat page from blocking Redis for long in a single script.
const SEAT_HOLDS_CHUNK = 1_000;
// The id -> event pointer outlives its hold a little; a pointer to a gone hold just reads as "not live".
const REF_SLACK_MS = 60_000;
// Bounds one claim's work; the rest is claimed on the next poll.
const TAKE_EXPIRED_LIMIT = 1_000;

type Row = [string, string, string, string | number, string | number, string | number, string | number];

/**
 * HoldStore on Redis, shared by every API process. Each check-and-set is one Lua script over keys of one
 * event (hash tag `{<event_id>}`); only the hold-id -> event pointer lives elsewhere, because callers know
 * a hold by its id alone. Layout and reasoning: docs/holds.md.
 */
export class RedisHoldStore implements HoldStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {
    // A brace in the prefix would become the hash tag and scatter one event's keys over the cluster.
    if (/[{}]/.test(prefix)) throw new Error('REDIS_KEY_PREFIX must not contain { or }');
  }

  holdSeats(request: SeatHoldRequest): Promise<HoldOutcome> {
    const { holdId, eventId, userId, seatIds, ttlMs } = request;
    const k = this.keys(eventId);
    return guardRedis(async () => {
      const reply = await HOLD_SCRIPTS.holdSeats.run(
        this.client,
        [k.record(holdId), k.user(userId), k.seats, k.fence, ...seatIds.map(k.seat)],
        [holdId, userId, String(ttlMs), String(request.maxPerUser), eventId, seatIds.join(','), ...seatIds],
      );
      return this.outcome(reply, request, [...seatIds], seatIds.length);
    });
  }

  holdQuantity(request: QuantityHoldRequest): Promise<HoldOutcome> {
    const { holdId, eventId, userId, quantity, ttlMs } = request;
    const k = this.keys(eventId);
    return guardRedis(async () => {
      const reply = await HOLD_SCRIPTS.holdQuantity.run(
        this.client,
        [k.record(holdId), k.user(userId), k.places, k.placed, k.fence, k.lapsed],
        [holdId, userId, String(ttlMs), String(request.maxPerUser), eventId, String(quantity), String(request.capacity)],
      );
      return this.outcome(reply, request, [], quantity);
    });
  }

  get(holdId: string): Promise<Hold | null> {
    return guardRedis(async () => {
      const eventId = await this.client.get(this.ref(holdId));
      if (eventId === null) return null;
      const row = await this.client.hmGet(this.keys(eventId).record(holdId), ['e', 'u', 's', 'q', 'f', 'c', 'x']);
      return row[0] === null ? null : toHold(holdId, row as Row);
    });
  }

  release(holdId: string, known?: Pick<Hold, 'eventId' | 'userId' | 'seatIds'>): Promise<Hold | null> {
    return guardRedis(async () => {
      const target = known ?? (await this.locate(holdId));
      if (!target) return null;
      const k = this.keys(target.eventId);
      const [reply] = await Promise.all([
        HOLD_SCRIPTS.release.run(
          this.client,
          [k.record(holdId), k.user(target.userId), k.seats, k.places, k.placed, ...target.seatIds.map(k.seat)],
          [holdId, ...target.seatIds],
        ),
        // Sent with the script, one round trip for both: a pointer to a gone hold reads as "not live" anyway.
        this.client.del(this.ref(holdId)),
      ]);
      return reply === null ? null : toHold(holdId, reply as Row);
    });
  }

  extend(holdId: string, expiresAt: Date): Promise<Hold | null> {
    return guardRedis(async () => {
      const target = await this.locate(holdId);
      if (!target) return null;
      const k = this.keys(target.eventId);
      const reply = await HOLD_SCRIPTS.extend.run(
        this.client,
        [k.record(holdId), k.user(target.userId), k.seats, k.places, k.placed, ...target.seatIds.map(k.seat)],
        [holdId, String(expiresAt.getTime()), ...target.seatIds],
      );
      if (reply === null) return null;
      await this.client.pExpire(this.ref(holdId), Math.max(1, expiresAt.getTime() - Date.now()) + REF_SLACK_MS, 'GT');
      return toHold(holdId, reply as Row);
    });
  }

  seatHolds(eventId: string, seatIds: readonly string[]): Promise<Map<string, SeatHoldInfo>> {
    const k = this.keys(eventId);
    return guardRedis(async () => {
      const result = new Map<string, SeatHoldInfo>();
      for (let start = 0; start < seatIds.length; start += SEAT_HOLDS_CHUNK) {
        const chunk = seatIds.slice(start, start + SEAT_HOLDS_CHUNK);
        const reply = (await HOLD_SCRIPTS.seatHolds.run(this.client, chunk.map(k.seat), [])) as Array<string | number>;
        chunk.forEach((seatId, i) => {
          const lock = String(reply[2 * i]);
          const expiresAtMs = Number(reply[1 + 2 * i]);
          const colon = lock.indexOf(':');
          if (colon < 0 || expiresAtMs < 0) return;
          result.set(seatId, { holdId: lock.slice(0, colon), userId: lock.slice(colon + 1), expiresAt: new Date(expiresAtMs) });
        });
      }
      return result;
    });
  }

  heldCount(eventId: string): Promise<number> {
    const k = this.keys(eventId);
    return guardRedis(async () => Number(await HOLD_SCRIPTS.heldCount.run(this.client, [k.seats, k.places, k.placed, k.lapsed], [])));
  }

  takeExpired(eventId: string): Promise<ExpiredHolds> {
    const k = this.keys(eventId);
    return guardRedis(async () => {
      const reply = (await HOLD_SCRIPTS.takeExpired.run(this.client, [k.seats, k.places, k.placed, k.lapsed], [TAKE_EXPIRED_LIMIT])) as Array<string | number>;
      const [places, ...seatIds] = reply;
      return { seatIds: seatIds.map(String), places: Number(places) };
    });
  }

  private async outcome(reply: unknown, request: SeatHoldRequest | QuantityHoldRequest, seatIds: string[], quantity: number): Promise<HoldOutcome> {
    const [status, ...rest] = reply as [string, ...Array<string | number>];
    switch (status) {
      case 'ok': {
        const [fencingToken, createdMs] = rest.map(Number) as [number, number];
        const { holdId: id, eventId, userId } = request;
        // Written after the hold exists: losers of a race (most callers in a flash sale) cost no extra write.
        try {
          await this.client.set(this.ref(id), eventId, { expiration: { type: 'PX', value: request.ttlMs + REF_SLACK_MS } });
        } catch (error) {
          // Without its pointer nobody can buy or release the hold by its id (on a Cluster the pointer's slot
          // may be on a node that is down while the event's is up): give its seats back now, not at its TTL.
          await this.release(id, { eventId, userId, seatIds }).catch(() => null);
          throw error;
        }
        return { ok: true, hold: { id, eventId, userId, seatIds, quantity, fencingToken, createdAt: new Date(createdMs), expiresAt: new Date(createdMs + request.ttlMs) } };
      }
      case 'seats_taken': {
        const conflicts: Array<{ seatId: string; expiresAt: Date }> = [];
        for (let i = 0; i < rest.length; i += 2) conflicts.push({ seatId: String(rest[i]), expiresAt: new Date(Number(rest[i + 1])) });
        return { ok: false, reason: 'seats_taken', conflicts };
      }
      case 'capacity_exhausted':
        return { ok: false, reason: 'capacity_exhausted', available: Number(rest[0]) };
      case 'user_limit':
        return { ok: false, reason: 'user_limit', held: Number(rest[0]), limit: request.maxPerUser };
      default:
        throw new Error(`unexpected hold script reply: ${String(status)}`);
    }
  }

  /** Where a hold lives and what it locks; its seats never change, so reading them ahead of the script is safe. */
  private async locate(holdId: string): Promise<{ eventId: string; userId: string; seatIds: string[] } | null> {
    const eventId = await this.client.get(this.ref(holdId));
    if (eventId === null) return null;
    const [userId, seats] = await this.client.hmGet(this.keys(eventId).record(holdId), ['u', 's']);
    if (userId === null || userId === undefined) return null;
    return { eventId, userId, seatIds: seats ? seats.split(',') : [] };
  }

  private ref(holdId: string): string {
    return `${this.prefix}hold-ref:${holdId}`;
  }

  private keys(eventId: string) {
    const base = `${this.prefix}hold:{${eventId}}:`;
    return {
      record: (holdId: string) => `${base}h:${holdId}`,
      // One member per place (hold-scripts.ts); `user:` held the older '<qty>:<hold id>' members.
      user: (userId: string) => `${base}user-places:${userId}`,
      seat: (seatId: string) => `${base}seat:${seatId}`,
      seats: `${base}seats`,
      places: `${base}places`,
      placed: `${base}placed`,
      lapsed: `${base}lapsed`,
      fence: `${base}fence`,
    };
  }
}

function toHold(id: string, [eventId, userId, seats, quantity, token, created, expires]: Row): Hold {
  return {
    id,
    eventId,
    userId,
    seatIds: seats ? seats.split(',') : [],
    quantity: Number(quantity),
    fencingToken: Number(token),
    createdAt: new Date(Number(created)),
    expiresAt: new Date(Number(expires)),
  };
}
