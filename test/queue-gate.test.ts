import { randomUUID } from 'node:crypto';
import { problemFor } from '../internal/controller/problem';
import { EventService } from '../internal/service/event.service';
import { QueueService } from '../internal/service/queue.service';
import { ForbiddenError } from '../lib/domain/errors';
import type { Event } from '../lib/domain/event';
import type { Principal } from '../lib/domain/principal';
import { createEvent } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

// The gate holds and purchases call: QueueService.assertAdmitted(principal, event, X-Queue-Session).
let t: TestApp;
let queue: QueueService;
let events: EventService;
beforeAll(async () => {
  t = await startTestApp();
  queue = t.runtime.container.get(QueueService);
  events = t.runtime.container.get(EventService);
});
afterAll(async () => {
  await t?.close();
});

const buyer = (): Principal => ({ userId: `u-${randomUUID()}`, role: 'user' });
const queuedEvent = async (): Promise<Event> =>
  events.require((await createEvent(t, { queue: { enabled: true, admit_per_minute: 0, max_active_sessions: 100 } })).id);
async function admitted(event: Event, principal: Principal): Promise<string> {
  const { entry } = await queue.join(principal, event.id);
  await queue.process(event.id, 100);
  return entry.sessionId;
}
async function refusal(promise: Promise<void>): Promise<ForbiddenError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ForbiddenError);
  return error as ForbiddenError;
}

it('lets everyone through when the event has no enabled queue', async () => {
  for (const overrides of [{}, { queue: { enabled: false } }]) {
    const event = await events.require((await createEvent(t, overrides)).id);
    await expect(queue.assertAdmitted(buyer(), event, undefined)).resolves.toBeUndefined();
  }
});

it('refuses without a session, as a 403 problem of type queue-session-required', async () => {
  const event = await queuedEvent();
  const error = await refusal(queue.assertAdmitted(buyer(), event, undefined));
  expect(error.code).toBe('queue-session-required');
  const problem = problemFor(error);
  expect(problem.status).toBe(403);
  expect(problem.code).toBe('queue-session-required');
  await refusal(queue.assertAdmitted(buyer(), event, ''));
  await refusal(queue.assertAdmitted(buyer(), event, 'not-a-session'));
  await refusal(queue.assertAdmitted(buyer(), event, randomUUID()));
});

it("opens for the caller's own active session of that event only", async () => {
  const event = await queuedEvent();
  const alice = buyer();
  const session = await admitted(event, alice);
  await expect(queue.assertAdmitted(alice, event, session)).resolves.toBeUndefined();
  await expect(queue.assertAdmitted(alice, event, session.toUpperCase())).resolves.toBeUndefined();
  await refusal(queue.assertAdmitted(buyer(), event, session));
  await refusal(queue.assertAdmitted({ userId: 'an-admin', role: 'admin' }, event, session));
  await refusal(queue.assertAdmitted(alice, await queuedEvent(), session));
});

it('refuses a session that is still waiting, or was left', async () => {
  const event = await queuedEvent();
  const bob = buyer();
  const { entry } = await queue.join(bob, event.id);
  await refusal(queue.assertAdmitted(bob, event, entry.sessionId));
  await queue.process(event.id, 1);
  await expect(queue.assertAdmitted(bob, event, entry.sessionId)).resolves.toBeUndefined();
  await queue.leave(bob, entry.sessionId);
  await refusal(queue.assertAdmitted(bob, event, entry.sessionId));
});
