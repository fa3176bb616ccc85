import { createSeatedEvent } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t?.close();
});

// Admission only by an admin (admit_per_minute 0), so the test decides who is active.
const queued = { queue: { enabled: true, admit_per_minute: 0, max_active_sessions: 1 } };

async function join(eventId: string, auth: string) {
  return (await t.http.post('/api/v1/queue/join').set('Authorization', auth).send({ event_id: eventId }).expect(201)).body;
}

describe('waiting-room gate on POST /holds', () => {
  it('refuses a hold without an active session of the caller, and allows it with one', async () => {
    const { event, seats } = await createSeatedEvent(t, 4, queued);
    const alice = await t.auth('gate-alice');
    const bob = await t.auth('gate-bob');
    const hold = (auth: string, session?: string) => {
      const req = t.http.post('/api/v1/holds').set('Authorization', auth);
      if (session) req.set('X-Queue-Session', session);
      return req.send({ event_id: event.id, seat_ids: [seats[0]!.id] });
    };

    const none = await hold(alice).expect(403);
    expect(none.body.type).toMatch(/queue-session-required$/);
    await hold(alice, 'not-a-session').expect(403);

    const aliceEntry = await join(event.id, alice);
    const bobEntry = await join(event.id, bob);
    expect(aliceEntry.status).toBe('waiting');
    await hold(alice, aliceEntry.session_id).expect(403);

    await t.http.post(`/api/v1/queue/process/${event.id}`).set('Authorization', admin).send({ count: 1 }).expect(200);
    // Bob is still waiting (one active slot), and Alice's session is not his to use.
    await hold(bob, bobEntry.session_id).expect(403);
    await hold(bob, aliceEntry.session_id).expect(403);
    const held = await hold(alice, aliceEntry.session_id).expect(201);
    expect(held.body.seat_ids).toEqual([seats[0]!.id]);
  });

  it('gates purchases too: by hold (the session may have ended since the hold) and in one call', async () => {
    const { event, seats } = await createSeatedEvent(t, 3, { queue: { enabled: true, admit_per_minute: 0, max_active_sessions: 5 } });
    const dave = await t.auth('gate-dave');
    const entry = await join(event.id, dave);
    await t.http.post(`/api/v1/queue/process/${event.id}`).set('Authorization', admin).send({ count: 1 }).expect(200);
    const hold = (await t.http.post('/api/v1/holds').set('Authorization', dave).set('X-Queue-Session', entry.session_id).send({ event_id: event.id, seat_ids: [seats[0]!.id] }).expect(201)).body;

    const noSession = await t.http.post('/api/v1/tickets/purchase').set('Authorization', dave).send({ hold_id: hold.id }).expect(403);
    expect(noSession.body.type).toMatch(/queue-session-required$/);
    await t.http.post('/api/v1/tickets/purchase').set('Authorization', dave).send({ event_id: event.id, seat_id: seats[1]!.id }).expect(403);
    expect((await t.http.get(`/api/v1/events/${event.id}`)).body.counts).toMatchObject({ reserved: 0, held: 1 });

    await t.http.post('/api/v1/tickets/purchase').set('Authorization', dave).set('X-Queue-Session', entry.session_id).send({ hold_id: hold.id }).expect(201);
    await t.http.post('/api/v1/tickets/purchase').set('Authorization', dave).set('X-Queue-Session', entry.session_id).send({ event_id: event.id, seat_id: seats[1]!.id }).expect(201);

    // Once the session ends, its holder can no longer buy.
    const late = (await t.http.post('/api/v1/holds').set('Authorization', dave).set('X-Queue-Session', entry.session_id).send({ event_id: event.id, seat_ids: [seats[2]!.id] }).expect(201)).body;
    await t.http.delete(`/api/v1/queue/${entry.session_id}`).set('Authorization', dave).expect(204);
    await t.http.post('/api/v1/tickets/purchase').set('Authorization', dave).set('X-Queue-Session', entry.session_id).send({ hold_id: late.id }).expect(403);
  });

  it('needs no session when the event has no waiting room', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    await t.http.post('/api/v1/holds').set('Authorization', await t.auth('gate-carol')).send({ event_id: event.id, seat_ids: [seats[0]!.id] }).expect(201);
  });
});
