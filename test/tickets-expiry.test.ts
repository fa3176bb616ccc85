import { createEvent, createSeatedEvent } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';
import { aUser, buySeat, eventually, purchase, seatStatus } from './support/tickets';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// A 2 s payment window: short, yet long enough that a loaded machine still confirms in time where a test
// needs it. The checks wait for outcomes; they never assert durations.
const WINDOW_SECONDS = 2;
const PAST_WINDOW_MS = WINDOW_SECONDS * 1_000 + 200;

describe('expiry on read (no sweeper running)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ paymentWindowSeconds: WINDOW_SECONDS }, { jobs: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a reservation past its window reads as expired, frees its seat, and cannot be confirmed', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const owner = await aUser(t);
    const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
    await sleep(PAST_WINDOW_MS);
    const read = await t.http.get(`/api/v1/tickets/${ticket.id}`).set('Authorization', owner.auth).expect(200);
    expect(read.body.status).toBe('expired');
    expect(await seatStatus(t, event.id, seats[0].id)).toBe('available');
    const res = await t.http.post(`/api/v1/tickets/${ticket.id}/confirm`).set('Authorization', owner.auth).expect(409);
    expect(res.body.type).toBe('/problems/ticket-expired');
    const history = await t.http.get(`/api/v1/tickets/${ticket.id}/history`).set('Authorization', owner.auth).expect(200);
    expect(history.body.history.at(-1)).toMatchObject({ from_status: 'reserved', to_status: 'expired', actor: 'system', reason: 'payment window elapsed' });
  });

  it('confirming straight after the window expires the ticket, commits that, and answers 409', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const owner = await aUser(t);
    const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
    await sleep(PAST_WINDOW_MS);
    await t.http.post(`/api/v1/tickets/${ticket.id}/confirm`).set('Authorization', owner.auth).expect(409);
    expect(await seatStatus(t, event.id, seats[0].id)).toBe('available');
  });

  it("listing a user's tickets expires theirs; a lapsed seat can be bought by the next buyer at once", async () => {
    const { event, seats } = await createSeatedEvent(t, 2);
    const owner = await aUser(t);
    await buySeat(t, owner.auth, event.id, seats[0].id);
    const second = await buySeat(t, owner.auth, event.id, seats[1].id);
    await sleep(PAST_WINDOW_MS);
    const list = await t.http.get(`/api/v1/tickets/user/${owner.id}`).set('Authorization', owner.auth).expect(200);
    expect(list.body.tickets.map((ticket: any) => ticket.status)).toEqual(['expired', 'expired']);
    expect(await seatStatus(t, event.id, seats[1].id)).toBe('available');
    const next = await buySeat(t, (await aUser(t)).auth, event.id, seats[1].id);
    expect(next.id).not.toBe(second.id);
  });

  it('a confirmed ticket never expires', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const owner = await aUser(t);
    const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
    await t.http.post(`/api/v1/tickets/${ticket.id}/confirm`).set('Authorization', owner.auth).expect(200);
    await sleep(PAST_WINDOW_MS);
    expect((await t.http.get(`/api/v1/tickets/${ticket.id}`).set('Authorization', owner.auth)).body.status).toBe('sold');
    expect(await seatStatus(t, event.id, seats[0].id)).toBe('sold');
  });
});

describe('the expiry sweeper', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ paymentWindowSeconds: WINDOW_SECONDS });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('expires unconfirmed reservations and frees their seats with nobody reading them', async () => {
    const { event, seats } = await createSeatedEvent(t, 2);
    const owner = await aUser(t);
    const lapsing = await buySeat(t, owner.auth, event.id, seats[0].id);
    const confirmed = await buySeat(t, owner.auth, event.id, seats[1].id);
    await t.http.post(`/api/v1/tickets/${confirmed.id}/confirm`).set('Authorization', owner.auth).expect(200);
    // The seat endpoint shows the stored status, which only the sweeper changes here.
    await eventually(async () => (await seatStatus(t, event.id, seats[0].id)) === 'available');
    expect((await t.http.get(`/api/v1/tickets/${lapsing.id}`).set('Authorization', owner.auth)).body.status).toBe('expired');
    expect(await seatStatus(t, event.id, seats[1].id)).toBe('sold');
  });

  it('gives lapsed standing places back to the event', async () => {
    const event = await createEvent(t, { is_seated_event: false, total_tickets: 2 });
    await purchase(t, (await aUser(t)).auth, { event_id: event.id, quantity: 2 }).expect(201);
    const later = await aUser(t);
    await eventually(async () => (await purchase(t, later.auth, { event_id: event.id, quantity: 2 })).status === 201);
  });
});
