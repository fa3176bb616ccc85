import { randomUUID } from 'node:crypto';
import { createEvent, createSeatedEvent } from './support/fixtures';
import { openStream } from './support/sse';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  it('exposes process metrics in the Prometheus text format', async () => {
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/^# HELP process_cpu_user_seconds_total/m);
    expect(res.text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('observes request durations under route patterns, never raw ids', async () => {
    const event = await createEvent(t);
    await t.http.get(`/api/v1/events/${event.id}`).expect(200);
    await t.http.get(`/api/v1/events/${event.id}`).expect(200);
    await t.http.get(`/api/v1/events/${randomUUID()}`).expect(404);
    await t.http.get(`/no/such/${randomUUID()}`).expect(404);
    const text = (await t.http.get('/metrics')).text;
    const count = (status: string, route: string) => sample(text, 'http_request_duration_seconds_count', { method: 'GET', route, status });
    expect(count('200', '/api/v1/events/:id')).toBe(2);
    expect(count('404', '/api/v1/events/:id')).toBe(1);
    expect(count('404', 'unmatched')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/events', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(event.id);
  });

  it('counts holds by result, tickets by status, queue joins and admissions, and stream clients', async () => {
    const counter = async (name: string, labels: Record<string, string> = {}) => {
      const text = (await t.http.get('/metrics')).text;
      if (Object.keys(labels).length === 0) {
        const line = text.split('\n').find((l) => l.startsWith(`${name} `));
        return line ? Number(line.split(' ')[1]) : 0;
      }
      return sample(text, name, labels) ?? 0;
    };
    const before = {
      created: await counter('onsale_holds_total', { result: 'created' }),
      taken: await counter('onsale_holds_total', { result: 'seats_taken' }),
      reserved: await counter('onsale_tickets_total', { status: 'reserved' }),
      sold: await counter('onsale_tickets_total', { status: 'sold' }),
      joins: await counter('onsale_queue_joins_total'),
      admissions: await counter('onsale_queue_admissions_total'),
    };
    const { event, seats } = await createSeatedEvent(t, 2);
    const [alice, bob] = [await t.auth('metrics-alice'), await t.auth('metrics-bob')];
    await t.http.post('/api/v1/holds').set('Authorization', alice).send({ event_id: event.id, seat_ids: [seats[0]!.id] }).expect(201);
    await t.http.post('/api/v1/holds').set('Authorization', bob).send({ event_id: event.id, seat_ids: [seats[0]!.id] }).expect(409);
    const [ticket] = (await t.http.post('/api/v1/tickets/purchase').set('Authorization', bob).send({ event_id: event.id, seat_id: seats[1]!.id }).expect(201)).body.tickets;
    await t.http.post(`/api/v1/tickets/${ticket.id}/confirm`).set('Authorization', bob).expect(200);
    const queued = await createEvent(t, { queue: { enabled: true, admit_per_minute: 0, max_active_sessions: 5 } });
    await t.http.post('/api/v1/queue/join').set('Authorization', alice).send({ event_id: queued.id }).expect(201);
    await t.http.post('/api/v1/queue/join').set('Authorization', alice).send({ event_id: queued.id }).expect(200);
    await t.http.post(`/api/v1/queue/process/${queued.id}`).set('Authorization', await t.admin()).send({ count: 5 }).expect(200);

    expect(await counter('onsale_holds_total', { result: 'created' })).toBe(before.created + 2);
    expect(await counter('onsale_holds_total', { result: 'seats_taken' })).toBe(before.taken + 1);
    expect(await counter('onsale_tickets_total', { status: 'reserved' })).toBe(before.reserved + 1);
    expect(await counter('onsale_tickets_total', { status: 'sold' })).toBe(before.sold + 1);
    expect(await counter('onsale_queue_joins_total')).toBe(before.joins + 1);
    expect(await counter('onsale_queue_admissions_total')).toBe(before.admissions + 1);

    const stream = await openStream(`${await t.listen()}/api/v1/events/${event.id}/stream`);
    await stream.next((e) => e.event === 'availability');
    expect(await counter('onsale_stream_clients')).toBe(1);
    stream.close();
    const deadline = Date.now() + 5_000;
    while ((await counter('onsale_stream_clients')) !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter('onsale_stream_clients')).toBe(0);
  });
});
