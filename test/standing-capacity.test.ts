import { createEvent, eventBody } from './support/fixtures';
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

describe('standing events: counts and capacity follow live tickets', () => {
  it('counts reserved and sold tickets, and lets holds take only what is left', async () => {
    const event = await createEvent(t, { is_seated_event: false, total_tickets: 5 });
    const buyer = await t.auth('standing-buyer');
    const bought = (await t.http.post('/api/v1/tickets/purchase').set('Authorization', buyer).send({ event_id: event.id, quantity: 3 }).expect(201)).body.tickets;
    await t.http.post(`/api/v1/tickets/${bought[0].id}/confirm`).set('Authorization', buyer).expect(200);
    expect((await t.http.get(`/api/v1/events/${event.id}`)).body.counts).toEqual({ available: 2, held: 0, reserved: 2, sold: 1 });

    const other = await t.auth('standing-other');
    const refused = await t.http.post('/api/v1/holds').set('Authorization', other).send({ event_id: event.id, quantity: 3 }).expect(409);
    expect(refused.body).toMatchObject({ type: '/problems/capacity-exhausted', available: 2 });
    await t.http.post('/api/v1/holds').set('Authorization', other).send({ event_id: event.id, quantity: 2 }).expect(201);
    expect((await t.http.get(`/api/v1/events/${event.id}`)).body.counts).toEqual({ available: 0, held: 2, reserved: 2, sold: 1 });

    await t.http.post(`/api/v1/tickets/${bought[1].id}/cancel`).set('Authorization', buyer).expect(200);
    expect((await t.http.get(`/api/v1/events/${event.id}`)).body.counts).toEqual({ available: 1, held: 2, reserved: 1, sold: 1 });
  });

  it('refuses to shrink capacity below live tickets, or to turn seated once tickets exist', async () => {
    const event = await createEvent(t, { is_seated_event: false, total_tickets: 5 });
    await t.http.post('/api/v1/tickets/purchase').set('Authorization', await t.auth('shrink-buyer')).send({ event_id: event.id, quantity: 3 }).expect(201);
    const base = { start_time: event.start_time, end_time: event.end_time };
    const shrink = await t.http.put(`/api/v1/events/${event.id}`).set('Authorization', admin).send(eventBody({ ...base, is_seated_event: false, total_tickets: 2 })).expect(409);
    expect(shrink.body.type).toBe('/problems/capacity-below-tickets');
    await t.http.put(`/api/v1/events/${event.id}`).set('Authorization', admin).send(eventBody({ ...base, is_seated_event: false, total_tickets: 3 })).expect(200);
    const seated = await t.http.put(`/api/v1/events/${event.id}`).set('Authorization', admin).send(eventBody({ ...base, is_seated_event: true })).expect(409);
    expect(seated.body.type).toBe('/problems/event-has-tickets');
    await t.http.delete(`/api/v1/events/${event.id}`).set('Authorization', admin).expect(409);
  });
});
