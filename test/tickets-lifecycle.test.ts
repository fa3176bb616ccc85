import { randomUUID } from 'node:crypto';
import { createSeatedEvent } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';
import { aUser, buySeat, seatStatus } from './support/tickets';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t?.close();
});

describe('confirm and cancel', () => {
  async function reserved() {
    const { event, seats } = await createSeatedEvent(t, 1);
    const owner = await aUser(t);
    const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
    return { event, seat: seats[0], owner, ticket };
  }
  const confirm = (id: string, auth: string) => t.http.post(`/api/v1/tickets/${id}/confirm`).set('Authorization', auth);
  const cancel = (id: string, auth: string) => t.http.post(`/api/v1/tickets/${id}/cancel`).set('Authorization', auth);

  it('the owner confirms: ticket and seat sold; confirming again is 409', async () => {
    const { event, seat, owner, ticket } = await reserved();
    const res = await confirm(ticket.id, owner.auth).expect(200);
    expect(res.body).toEqual({ ...ticket, status: 'sold' });
    expect(await seatStatus(t, event.id, seat.id)).toBe('sold');
    expect((await confirm(ticket.id, owner.auth).expect(409)).body.type).toBe('/problems/invalid-ticket-transition');
  });

  it('the owner cancels: the seat is available again and someone else can buy it', async () => {
    const { event, seat, owner, ticket } = await reserved();
    expect((await cancel(ticket.id, owner.auth).expect(200)).body.status).toBe('cancelled');
    expect(await seatStatus(t, event.id, seat.id)).toBe('available');
    expect((await confirm(ticket.id, owner.auth).expect(409)).body.type).toBe('/problems/ticket-cancelled');
    await cancel(ticket.id, owner.auth).expect(409);
    await buySeat(t, (await aUser(t)).auth, event.id, seat.id);
  });

  it('a sold ticket can be cancelled (refund), freeing its seat', async () => {
    const { event, seat, owner, ticket } = await reserved();
    await confirm(ticket.id, owner.auth).expect(200);
    expect((await cancel(ticket.id, owner.auth).expect(200)).body.status).toBe('cancelled');
    expect(await seatStatus(t, event.id, seat.id)).toBe('available');
  });

  it('admins may confirm and cancel anyone\'s ticket; other users get 403 and change nothing', async () => {
    const first = await reserved();
    const stranger = await aUser(t);
    await confirm(first.ticket.id, stranger.auth).expect(403);
    await cancel(first.ticket.id, stranger.auth).expect(403);
    expect(await seatStatus(t, first.event.id, first.seat.id)).toBe('reserved');
    await confirm(first.ticket.id, admin).expect(200);
    const second = await reserved();
    await cancel(second.ticket.id, admin).expect(200);
  });

  it('404 for unknown or malformed ids, 401 without a token, 400 with a body', async () => {
    const { owner, ticket } = await reserved();
    await confirm(randomUUID(), owner.auth).expect(404);
    await cancel('not-a-ticket', owner.auth).expect(404);
    await t.http.post(`/api/v1/tickets/${ticket.id}/confirm`).expect(401);
    await confirm(ticket.id, owner.auth).send({ status: 'sold' }).expect(400);
    await confirm(ticket.id, owner.auth).send({}).expect(200);
  });
});

describe('reading tickets', () => {
  it('GET /tickets/:id for the owner and admins only', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const owner = await aUser(t);
    const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
    expect((await t.http.get(`/api/v1/tickets/${ticket.id}`).set('Authorization', owner.auth).expect(200)).body).toEqual(ticket);
    await t.http.get(`/api/v1/tickets/${ticket.id}`).set('Authorization', admin).expect(200);
    await t.http.get(`/api/v1/tickets/${ticket.id}`).set('Authorization', (await aUser(t)).auth).expect(403);
    await t.http.get(`/api/v1/tickets/${ticket.id}`).expect(401);
    await t.http.get(`/api/v1/tickets/${randomUUID()}`).set('Authorization', owner.auth).expect(404);
    await t.http.get('/api/v1/tickets/42').set('Authorization', owner.auth).expect(404);
  });

  it("GET /tickets/user/:user_id pages the user's tickets; that user or admins only", async () => {
    const { event, seats } = await createSeatedEvent(t, 3);
    const owner = await aUser(t);
    const bought = [];
    for (const seat of seats) bought.push(await buySeat(t, owner.auth, event.id, seat.id));
    const first = await t.http.get(`/api/v1/tickets/user/${owner.id}?limit=2`).set('Authorization', owner.auth).expect(200);
    expect(first.body.tickets).toEqual(bought.slice(0, 2));
    const second = await t.http.get(`/api/v1/tickets/user/${owner.id}?limit=2&cursor=${first.body.next_cursor}`).set('Authorization', admin).expect(200);
    expect(second.body).toEqual({ tickets: [bought[2]], next_cursor: null });
    await t.http.get(`/api/v1/tickets/user/${owner.id}`).set('Authorization', (await aUser(t)).auth).expect(403);
    await t.http.get(`/api/v1/tickets/user/${owner.id}?limit=0`).set('Authorization', owner.auth).expect(400);
    expect((await t.http.get('/api/v1/tickets/user/nobody-yet').set('Authorization', admin).expect(200)).body).toEqual({ tickets: [], next_cursor: null });
  });

  it('GET /tickets/:id/history lists every change with actor and reason', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const owner = await aUser(t);
    const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
    await t.http.post(`/api/v1/tickets/${ticket.id}/confirm`).set('Authorization', owner.auth).expect(200);
    await t.http.post(`/api/v1/tickets/${ticket.id}/cancel`).set('Authorization', admin).expect(200);
    const res = await t.http.get(`/api/v1/tickets/${ticket.id}/history`).set('Authorization', owner.auth).expect(200);
    expect(res.body.history).toEqual([
      { from_status: null, to_status: 'reserved', actor: owner.id, reason: 'purchase', at: ticket.created_at },
      { from_status: 'reserved', to_status: 'sold', actor: owner.id, reason: 'payment confirmed', at: expect.any(String) },
      { from_status: 'sold', to_status: 'cancelled', actor: expect.stringMatching(/^admin-/), reason: 'cancelled by admin', at: expect.any(String) },
    ]);
    await t.http.get(`/api/v1/tickets/${ticket.id}/history`).set('Authorization', (await aUser(t)).auth).expect(403);
    await t.http.get(`/api/v1/tickets/${randomUUID()}/history`).set('Authorization', admin).expect(404);
  });
});

describe('PATCH /api/v1/tickets/:id/status (admin)', () => {
  it('applies legal transitions only', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const owner = await aUser(t);
    const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
    const patch = (status: unknown, auth = admin) => t.http.patch(`/api/v1/tickets/${ticket.id}/status`).set('Authorization', auth).send({ status });
    await patch('sold', owner.auth).expect(403);
    await patch('refunded').expect(400);
    expect((await patch('sold').expect(200)).body.status).toBe('sold');
    expect(await seatStatus(t, event.id, seats[0].id)).toBe('sold');
    const illegal = await patch('reserved').expect(409);
    expect(illegal.body).toMatchObject({ type: '/problems/invalid-ticket-transition', status: 409, ticket_status: 'sold', requested_status: 'reserved' });
    await patch('expired').expect(409);
    expect((await patch('cancelled').expect(200)).body.status).toBe('cancelled');
    await patch('sold').expect(409);
    await t.http.patch(`/api/v1/tickets/${randomUUID()}/status`).set('Authorization', admin).send({ status: 'sold' }).expect(404);
  });

  it('an admin may expire a reservation by hand; the seat is freed', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const ticket = await buySeat(t, (await aUser(t)).auth, event.id, seats[0].id);
    await t.http.patch(`/api/v1/tickets/${ticket.id}/status`).set('Authorization', admin).send({ status: 'expired' }).expect(200);
    expect(await seatStatus(t, event.id, seats[0].id)).toBe('available');
  });
});

describe('DELETE /api/v1/events/:id once tickets exist', () => {
  it('409 event-has-tickets, even when every ticket was cancelled', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const owner = await aUser(t);
    const ticket = await buySeat(t, owner.auth, event.id, seats[0].id);
    await t.http.post(`/api/v1/tickets/${ticket.id}/cancel`).set('Authorization', owner.auth).expect(200);
    const res = await t.http.delete(`/api/v1/events/${event.id}`).set('Authorization', admin).expect(409);
    expect(res.body.type).toBe('/problems/event-has-tickets');
    await t.http.get(`/api/v1/events/${event.id}`).expect(200);
  });
});
