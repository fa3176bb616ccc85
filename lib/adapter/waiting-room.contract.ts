import { newId } from '../domain/id';
import type { QueueEntry } from '../domain/queue-entry';
import type { JoinRequest, WaitingRoom } from './waiting-room';

const T0 = new Date('2030-01-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const TTL = 60_000;

/** The behaviour every WaitingRoom must have; run against each implementation. */
export function waitingRoomContract(open: () => Promise<{ room: WaitingRoom; close(): Promise<void> }>): void {
  let room: WaitingRoom;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ room, close } = await open());
  });
  afterAll(async () => {
    await close?.();
  });

  const request = (eventId: string, userId: string, overrides: Partial<JoinRequest> = {}): JoinRequest => ({
    eventId,
    userId,
    sessionId: newId(),
    lottery: false,
    now: T0,
    retainUntil: at(86_400_000),
    ...overrides,
  });
  const join = async (eventId: string, userId: string, overrides: Partial<JoinRequest> = {}) =>
    (await room.join(request(eventId, userId, overrides))).entry;
  const position = async (eventId: string, userId: string, now = T0) => (await room.liveEntry(eventId, userId, now))?.position;
  const admit = (eventId: string, count: number, maxActive = 100, now = T0) => room.admit(eventId, { count, maxActive, ttlMs: TTL, now });

  it('places joiners first come, first served, 1-based', async () => {
    const eventId = newId();
    const outcome = await room.join(request(eventId, 'a'));
    expect(outcome.created).toBe(true);
    expect(outcome.entry).toEqual<QueueEntry>({
      sessionId: expect.any(String), eventId, userId: 'a', status: 'waiting', position: 1, joinedAt: T0, expiresAt: null,
    });
    expect((await join(eventId, 'b')).position).toBe(2);
    expect((await join(eventId, 'c')).position).toBe(3);
    expect(await room.counts(eventId, T0)).toEqual({ waiting: 3, active: 0 });
  });

  it('returns the same entry to a user who joins again, never a second place', async () => {
    const eventId = newId();
    const first = await join(eventId, 'a');
    await join(eventId, 'b');
    const again = await room.join(request(eventId, 'a', { now: at(5_000) }));
    expect(again).toEqual({ created: false, entry: first });
    expect(await room.counts(eventId, T0)).toEqual({ waiting: 2, active: 0 });
  });

  it('gives 300 simultaneous joiners 300 distinct consecutive positions', async () => {
    const eventId = newId();
    const entries = await Promise.all(Array.from({ length: 300 }, (_, i) => join(eventId, `user-${i}`)));
    expect(entries.map((e) => e.position).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.sessionId)).size).toBe(300);
  });

  it('finds entries by user and by session, and knows nothing of strangers', async () => {
    const eventId = newId();
    const entry = await join(eventId, 'a');
    expect(await room.liveEntry(eventId, 'a', T0)).toEqual(entry);
    expect(await room.liveEntry(eventId, 'nobody', T0)).toBeNull();
    expect(await room.liveEntry(newId(), 'a', T0)).toBeNull();
    expect(await room.eventOf(entry.sessionId)).toBe(eventId);
    expect(await room.eventOf(newId())).toBeNull();
    expect(await room.session(eventId, entry.sessionId, T0)).toEqual(entry);
    expect(await room.session(eventId, newId(), T0)).toBeNull();
    expect(await room.session(newId(), entry.sessionId, T0)).toBeNull();
    expect(await room.counts(newId(), T0)).toEqual({ waiting: 0, active: 0 });
  });

  it('admits in line order, moves everyone behind up, and never beyond the maximum', async () => {
    const eventId = newId();
    for (const user of ['a', 'b', 'c', 'd', 'e']) await join(eventId, user);
    expect(await admit(eventId, 2, 3)).toBe(2);
    expect(await room.liveEntry(eventId, 'a', T0)).toMatchObject({ status: 'active', position: 0, expiresAt: at(TTL) });
    expect(await room.liveEntry(eventId, 'b', T0)).toMatchObject({ status: 'active', position: 0 });
    expect(await position(eventId, 'c')).toBe(1);
    expect(await admit(eventId, 10, 3)).toBe(1);
    expect(await admit(eventId, 10, 3)).toBe(0);
    expect(await room.counts(eventId, T0)).toEqual({ waiting: 2, active: 3 });
    expect(await admit(newId(), 5)).toBe(0);
  });

  it('never exceeds the maximum under concurrent admitters', async () => {
    const eventId = newId();
    await Promise.all(Array.from({ length: 50 }, (_, i) => join(eventId, `u${i}`)));
    const admitted = await Promise.all(Array.from({ length: 20 }, () => admit(eventId, 5, 7)));
    expect(admitted.reduce((a, b) => a + b, 0)).toBe(7);
    expect(await room.counts(eventId, T0)).toEqual({ waiting: 43, active: 7 });
  });

  it('expires an active session at its TTL, freeing its slot with no sweeper', async () => {
    const eventId = newId();
    const a = await join(eventId, 'a');
    await join(eventId, 'b');
    expect(await admit(eventId, 5, 1)).toBe(1);
    expect(await room.counts(eventId, at(TTL - 1))).toEqual({ waiting: 1, active: 1 });
    expect(await room.counts(eventId, at(TTL))).toEqual({ waiting: 1, active: 0 });
    expect(await room.session(eventId, a.sessionId, at(TTL))).toMatchObject({ status: 'expired', position: 0, expiresAt: at(TTL) });
    expect(await room.liveEntry(eventId, 'a', at(TTL))).toBeNull();
    expect(await admit(eventId, 5, 1, at(TTL))).toBe(1);
    expect(await room.liveEntry(eventId, 'b', at(TTL))).toMatchObject({ status: 'active', expiresAt: at(2 * TTL) });
    const rejoined = await join(eventId, 'a', { now: at(TTL + 1) });
    expect(rejoined).toMatchObject({ status: 'waiting', position: 1 });
    expect(rejoined.sessionId).not.toBe(a.sessionId);
    expect(await room.session(eventId, a.sessionId, at(TTL + 1))).toMatchObject({ status: 'expired' });
  });

  it('refreshes only an active session', async () => {
    const eventId = newId();
    const a = await join(eventId, 'a');
    const b = await join(eventId, 'b');
    await admit(eventId, 1);
    expect(await room.refresh(eventId, a.sessionId, TTL, at(30_000))).toMatchObject({ status: 'active', expiresAt: at(30_000 + TTL) });
    expect(await room.counts(eventId, at(TTL + 1))).toEqual({ waiting: 1, active: 1 });
    expect(await room.refresh(eventId, b.sessionId, TTL, at(1))).toMatchObject({ status: 'waiting', position: 1, expiresAt: null });
    expect(await room.refresh(eventId, a.sessionId, TTL, at(30_000 + TTL))).toMatchObject({ status: 'expired' });
    expect(await room.counts(eventId, at(30_000 + TTL))).toEqual({ waiting: 1, active: 0 });
    expect(await room.refresh(eventId, newId(), TTL, T0)).toBeNull();
  });

  it('lets a buyer leave the line or free an active slot; leaving twice changes nothing', async () => {
    const eventId = newId();
    const a = await join(eventId, 'a');
    const b = await join(eventId, 'b');
    await join(eventId, 'c');
    expect(await room.leave(eventId, b.sessionId, T0)).toMatchObject({ status: 'left', position: 0, expiresAt: null });
    expect(await position(eventId, 'c')).toBe(2);
    await admit(eventId, 1, 1);
    expect(await admit(eventId, 1, 1)).toBe(0);
    expect(await room.leave(eventId, a.sessionId, T0)).toMatchObject({ status: 'left' });
    expect(await admit(eventId, 1, 1)).toBe(1);
    expect(await room.leave(eventId, a.sessionId, at(1))).toMatchObject({ status: 'left' });
    expect(await room.leave(eventId, newId(), T0)).toBeNull();
    expect((await join(eventId, 'b', { now: at(2) })).position).toBe(1);
  });

  it('places lottery joiners in an order unrelated to arrival, all ahead of later joiners', async () => {
    const eventId = newId();
    const early = Array.from({ length: 40 }, (_, i) => `early-${i}`);
    for (const user of early) await join(eventId, user, { lottery: true });
    const late = ['late-0', 'late-1', 'late-2'];
    for (const user of late) await join(eventId, user);
    const earlyPositions = await Promise.all(early.map((user) => position(eventId, user)));
    expect(earlyPositions).not.toEqual(early.map((_, i) => i + 1));
    expect([...earlyPositions].sort((a, b) => a! - b!)).toEqual(early.map((_, i) => i + 1));
    expect(await Promise.all(late.map((user) => position(eventId, user)))).toEqual([41, 42, 43]);
  });

  it('draws the same lottery place again for a user who leaves and rejoins', async () => {
    const eventId = newId();
    for (let i = 0; i < 30; i++) await join(eventId, `u${i}`, { lottery: true });
    const before = (await room.liveEntry(eventId, 'u7', T0))!;
    await room.leave(eventId, before.sessionId, T0);
    const again = await join(eventId, 'u7', { lottery: true, now: at(1) });
    expect(again.sessionId).not.toBe(before.sessionId);
    expect(again.position).toBe(before.position);
  });

  it('lists queued events until they are forgotten', async () => {
    const eventId = newId();
    await join(eventId, 'a');
    expect(await room.queuedEvents()).toContain(eventId);
    await room.forgetEvent(eventId);
    expect(await room.queuedEvents()).not.toContain(eventId);
  });
}
