import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { Config } from '../internal/config/config';
import { EventService } from '../internal/service/event.service';
import { QueueAdmissionJob } from '../internal/service/queue-admission.job';
import { QueueService } from '../internal/service/queue.service';
import type { Clock } from '../lib/adapter/clock';
import { Lease } from '../lib/adapter/lease';
import { Logger } from '../lib/adapter/logger';
import { Metrics } from '../lib/adapter/metrics';
import { WaitingRoom } from '../lib/adapter/waiting-room';
import type { Principal } from '../lib/domain/principal';
import { EventRepository } from '../lib/repository/event-repository';
import { createEvent } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const join = async (t: TestApp, eventId: string, user: string) =>
  (await t.http.post('/api/v1/queue/join').set('Authorization', await t.auth(user)).send({ event_id: eventId }).expect(201)).body;
const length = async (t: TestApp, eventId: string) => (await t.http.get(`/api/v1/queue/length/${eventId}`).expect(200)).body;

describe('automatic admission by the running job', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ jobIntervalMs: 50 });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Polls GET /queue/length until it shows `until`, failing at once if active ever exceeds `max`. */
  async function watch(eventId: string, max: number, until: { waiting: number; active: number }): Promise<number> {
    let observations = 0;
    for (let i = 0; i < 400; i++) {
      const counts = await length(t, eventId);
      observations++;
      expect(counts.active).toBeLessThanOrEqual(max);
      if (counts.waiting === until.waiting && counts.active === until.active) return observations;
      await pause(10);
    }
    throw new Error(`the queue never reached ${JSON.stringify(until)}`);
  }

  it('admits up to max_active_sessions and refills slots that free up, never beyond', async () => {
    const event = await createEvent(t, { queue: { enabled: true, admit_per_minute: 1_000_000, max_active_sessions: 5 } });
    const sessions: Array<{ user: string; id: string }> = [];
    for (let i = 0; i < 20; i++) {
      const user = `auto${i}-${randomUUID()}`;
      sessions.push({ user, id: (await join(t, event.id, user)).session_id });
    }
    await watch(event.id, 5, { waiting: 15, active: 5 });
    // The first five joined first, so they are the ones admitted.
    for (const { user, id } of sessions.slice(0, 2)) await t.http.delete(`/api/v1/queue/${id}`).set('Authorization', await t.auth(user)).expect(204);
    await watch(event.id, 5, { waiting: 13, active: 5 });
  });
});

describe('admission pacing, phases and the lease (driven by a fake clock)', () => {
  let t: TestApp;
  let current: number;
  const clock: Clock = { now: () => new Date(current) };
  const job = () => {
    const c = t.runtime.container;
    return new QueueAdmissionJob(c.get(WaitingRoom), c.get(Lease), c.get(EventRepository), clock, c.get(Logger), c.get(Config), c.get(Metrics));
  };
  beforeAll(async () => {
    t = await startTestApp({}, { jobs: false });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    current = Date.now();
  });

  const queued = async (queue: Record<string, unknown>, overrides: Record<string, unknown> = {}, joiners = 10) => {
    const event = await createEvent(t, { queue: { enabled: true, max_active_sessions: 100, ...queue }, ...overrides });
    for (let i = 0; i < joiners; i++) await join(t, event.id, `p${i}-${randomUUID()}`);
    return event.id as string;
  };

  it('admits admit_per_minute buyers per minute, spread over its runs', async () => {
    const eventId = await queued({ admit_per_minute: 60 });
    const admission = job();
    const run = async (advanceMs: number) => {
      current += advanceMs;
      await admission.runOnce();
      return (await length(t, eventId)).active;
    };
    expect(await run(0)).toBe(0);
    expect(await run(1_000)).toBe(1);
    expect(await run(5_000)).toBe(6);
    expect(await run(500)).toBe(6);
    expect(await run(500)).toBe(7);
    await admission.stop();
  });

  it('leaves admission to admins at admit_per_minute 0, and admits nobody before sale start', async () => {
    const manual = await queued({ admit_per_minute: 0 });
    const presale = await queued({ admit_per_minute: 1_000_000 }, { sale_starts_at: new Date(current + 3_600_000).toISOString() });
    const admission = job();
    for (const advance of [0, 60_000, 60_000]) {
      current += advance;
      await admission.runOnce();
    }
    expect(await length(t, manual)).toEqual({ waiting: 10, active: 0 });
    expect(await length(t, presale)).toEqual({ waiting: 10, active: 0 });
    current += 3_600_000;
    await admission.runOnce();
    current += 1_000;
    await admission.runOnce();
    expect(await length(t, presale)).toEqual({ waiting: 0, active: 10 });
    await admission.stop();
  });

  it('admits only while holding the lease, and hands it over on stop', async () => {
    const eventId = await queued({ admit_per_minute: 60_000 });
    const first = job();
    const second = job();
    await first.runOnce();
    current += 1_000;
    await second.runOnce();
    await second.runOnce();
    expect((await length(t, eventId)).active).toBe(0);
    await first.stop();
    await second.runOnce();
    current += 5;
    await second.runOnce();
    expect((await length(t, eventId)).active).toBe(5);
    await second.stop();
  });

  it('expires a session after session_ttl_seconds unless refreshed, freeing its slot', async () => {
    const eventId = await queued({ admit_per_minute: 0, max_active_sessions: 1, session_ttl_seconds: 30 }, {}, 0);
    const queue = new QueueService(t.runtime.container.get(WaitingRoom), t.runtime.container.get(EventService), clock, t.runtime.container.get(Metrics));
    const event = await t.runtime.container.get(EventService).require(eventId);
    const alice: Principal = { userId: `alice-${randomUUID()}`, role: 'user' };
    const bob: Principal = { userId: `bob-${randomUUID()}`, role: 'user' };
    const session = (await queue.join(alice, eventId)).entry.sessionId;
    await queue.join(bob, eventId);
    expect(await queue.process(eventId, 5)).toBe(1);
    current += 20_000;
    expect((await queue.refresh(alice, session)).expiresAt).toEqual(new Date(current + 30_000));
    current += 29_999;
    await expect(queue.assertAdmitted(alice, event, session)).resolves.toBeUndefined();
    expect(await queue.process(eventId, 5)).toBe(0);
    current += 1;
    await expect(queue.assertAdmitted(alice, event, session)).rejects.toMatchObject({ code: 'queue-session-required' });
    expect(await queue.length(eventId)).toEqual({ waiting: 1, active: 0 });
    expect(await queue.status(alice, session)).toMatchObject({ status: 'expired' });
    await expect(queue.refresh(alice, session)).rejects.toMatchObject({ code: 'queue-session-not-active' });
    expect(await queue.process(eventId, 5)).toBe(1);
    expect(await queue.position(bob, eventId, bob.userId)).toMatchObject({ status: 'active' });
  });

  it('stops visiting an event once it has ended', async () => {
    const eventId = await queued({ admit_per_minute: 60 }, {}, 1);
    const admission = job();
    current += 40 * 24 * 3_600_000;
    await admission.runOnce();
    expect(await t.runtime.container.get<WaitingRoom>(WaitingRoom).queuedEvents()).not.toContain(eventId);
    await admission.stop();
  });
});
