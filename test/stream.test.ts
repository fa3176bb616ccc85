import { randomUUID } from 'node:crypto';
import { EventBus } from '../lib/adapter/event-bus';
import { scratchDatabase } from './support/databases';
import { createSeatedEvent } from './support/fixtures';
import { openStream, type SseStream } from './support/sse';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let base: string;
const streams: SseStream[] = [];

beforeAll(async () => {
  t = await startTestApp({ streamHeartbeatSeconds: 1 });
  base = `${await t.listen()}/api/v1`;
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await t?.close();
});

async function open(path: string, headers: Record<string, string> = {}) {
  const stream = await openStream(`${base}${path}`, headers);
  streams.push(stream);
  return stream;
}

describe('GET /events/:id/stream', () => {
  it('starts with the availability counts as a text/event-stream', async () => {
    const { event } = await createSeatedEvent(t, 3);
    const stream = await open(`/events/${event.id}/stream`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = await stream.next((e) => e.event === 'availability');
    expect(first.data).toEqual({ available: 3, held: 0, reserved: 0, sold: 0 });
  });

  it('forwards seat changes with increasing ids and recounts after them', async () => {
    const { event, seats } = await createSeatedEvent(t, 2);
    const stream = await open(`/events/${event.id}/stream`);
    await stream.next((e) => e.event === 'availability');
    const bus = t.runtime.container.get<EventBus>(EventBus);
    await bus.publish(event.id, 'seat', { seat_id: seats[0]!.id, status: 'held' });
    await bus.publish(event.id, 'seat', { seat_id: seats[0]!.id, status: 'available' });
    const held = await stream.next((e) => e.event === 'seat' && e.data.status === 'held');
    const freed = await stream.next((e) => e.event === 'seat' && e.data.status === 'available');
    expect(Number(freed.id)).toBeGreaterThan(Number(held.id));
    await stream.next((e) => e.event === 'availability' && stream.events.indexOf(e) > stream.events.indexOf(freed));
  });

  it('resumes after Last-Event-ID with what was missed, then the counts', async () => {
    const { event, seats } = await createSeatedEvent(t, 1);
    const bus = t.runtime.container.get<EventBus>(EventBus);
    for (const status of ['held', 'available', 'held']) await bus.publish(event.id, 'seat', { seat_id: seats[0]!.id, status });
    const resumed = await open(`/events/${event.id}/stream`, { 'Last-Event-ID': '1' });
    await resumed.next((e) => e.event === 'availability');
    expect(resumed.events.filter((e) => e.event === 'seat').map((e) => [e.id, e.data.status])).toEqual([
      ['2', 'available'],
      ['3', 'held'],
    ]);
  });

  it('reports holds taken, released and expired, as they happen', async () => {
    const { event, seats } = await createSeatedEvent(t, 3);
    const stream = await open(`/events/${event.id}/stream`);
    await stream.next((e) => e.event === 'availability');
    const buyer = await t.auth('stream-buyer');
    const hold = (await t.http.post('/api/v1/holds').set('Authorization', buyer).send({ event_id: event.id, seat_ids: [seats[0]!.id] }).expect(201)).body;
    await stream.next((e) => e.event === 'seat' && e.data.seat_id === seats[0]!.id && e.data.status === 'held');
    await stream.next((e) => e.event === 'availability' && e.data.held === 1 && e.data.available === 2);
    await t.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', buyer).expect(204);
    await stream.next((e) => e.event === 'seat' && e.data.seat_id === seats[0]!.id && e.data.status === 'available');

    await t.http.post('/api/v1/holds').set('Authorization', buyer).send({ event_id: event.id, seat_ids: [seats[1]!.id], ttl_seconds: 1 }).expect(201);
    await stream.next((e) => e.event === 'seat' && e.data.seat_id === seats[1]!.id && e.data.status === 'held');
    // Nobody releases it: the store's expiry signal does.
    const expired = await stream.next((e) => e.event === 'seat' && e.data.seat_id === seats[1]!.id && e.data.status === 'available', 8_000);
    expect(Number(expired.id)).toBeGreaterThan(0);
    await stream.next((e) => e.event === 'availability' && stream.events.indexOf(e) > stream.events.indexOf(expired) && e.data.held === 0);
  });

  it('reports purchases, payments, cancellations and lapsed reservations', async () => {
    const { event, seats } = await createSeatedEvent(t, 2);
    const stream = await open(`/events/${event.id}/stream`);
    await stream.next((e) => e.event === 'availability');
    const buyer = await t.auth('stream-payer');
    const seatIs = (seatId: string, status: string) => (e: { event: string; data: any }) => e.event === 'seat' && e.data.seat_id === seatId && e.data.status === status;
    const [a, b] = [seats[0]!.id, seats[1]!.id];

    const [ticketA] = (await t.http.post('/api/v1/tickets/purchase').set('Authorization', buyer).send({ event_id: event.id, seat_id: a }).expect(201)).body.tickets;
    await stream.next(seatIs(a, 'reserved'));
    await t.http.post(`/api/v1/tickets/${ticketA.id}/confirm`).set('Authorization', buyer).expect(200);
    await stream.next(seatIs(a, 'sold'));
    await t.http.post(`/api/v1/tickets/${ticketA.id}/cancel`).set('Authorization', buyer).expect(200);
    await stream.next(seatIs(a, 'available'));
    await t.http.post('/api/v1/tickets/purchase').set('Authorization', buyer).send({ event_id: event.id, seat_id: b }).expect(201);
    await stream.next(seatIs(b, 'reserved'));
    await stream.next((e) => e.event === 'availability' && e.data.reserved === 1 && e.data.available === 1);
  });

  it('reports a reservation that lapsed unpaid, freed by the sweeper with nobody asking', async () => {
    // Its own database when real: another test app's sweeper would otherwise publish the expiry on its bus.
    const scratch = await scratchDatabase();
    const short = await startTestApp({ paymentWindowSeconds: 1, ...(scratch && { databaseUrl: scratch.url }) });
    const shortBase = await short.listen();
    try {
      const { event, seats } = await createSeatedEvent(short, 1);
      const stream = await openStream(`${shortBase}/api/v1/events/${event.id}/stream`);
      streams.push(stream);
      await stream.next((e) => e.event === 'availability');
      await short.http.post('/api/v1/tickets/purchase').set('Authorization', await short.auth('stream-nonpayer')).send({ event_id: event.id, seat_id: seats[0]!.id }).expect(201);
      await stream.next((e) => e.event === 'seat' && e.data.status === 'reserved');
      await stream.next((e) => e.event === 'seat' && e.data.seat_id === seats[0]!.id && e.data.status === 'available', 10_000);
    } finally {
      await short.close();
      await scratch?.drop();
    }
  });

  it('sends sold_out when nothing is left', async () => {
    const { event } = await createSeatedEvent(t, 0);
    const stream = await open(`/events/${event.id}/stream`);
    await stream.next((e) => e.event === 'sold_out');
  });

  it('keeps idle streams alive with heartbeats', async () => {
    const { event } = await createSeatedEvent(t, 1);
    const stream = await open(`/events/${event.id}/stream`);
    await stream.next((e) => e.event === 'availability');
    const deadline = Date.now() + 5_000;
    while (!stream.comments.includes('heartbeat') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stream.comments).toContain('heartbeat');
  });

  it('answers an unknown or malformed event, or a bad Last-Event-ID, with a problem', async () => {
    expect((await t.http.get(`/api/v1/events/${randomUUID()}/stream`).expect(404)).body.type).toBe('/problems/not-found');
    await t.http.get('/api/v1/events/nope/stream').expect(404);
    const { event } = await createSeatedEvent(t, 1);
    await t.http.get(`/api/v1/events/${event.id}/stream`).set('Last-Event-ID', 'x').expect(400);
  });
});
