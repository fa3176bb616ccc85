import { randomUUID } from 'node:crypto';
import { ROUTE_DOCS } from '../internal/controller/openapi';
import { createEvent, createSeatedEvent, eventBody, seatBodies } from './support/fixtures';
import { responseValidator, servedRoutes } from './support/openapi';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let document: any;
let check: ReturnType<typeof responseValidator>;
beforeAll(async () => {
  t = await startTestApp();
  document = (await t.http.get('/api/v1/openapi.json').expect(200)).body;
  check = responseValidator(document);
});
afterAll(async () => {
  await t?.close();
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents exactly the routes the router serves', () => {
    expect(document.openapi).toBe('3.1.0');
    // Pages (the seat map at /, Swagger UI at /docs) are not API routes.
    const served = servedRoutes(t.app.express).filter((r) => !r.includes(' /docs') && r !== 'GET /').sort();
    const documented = ROUTE_DOCS.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(documented).toEqual(served);
  });

  it('resolves every $ref', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    const missing = [...new Set(refs)].filter((name) => !(name in document.components.schemas));
    expect(missing).toEqual([]);
  });

  it('takes request schemas from the validation DTOs', () => {
    const schema = document.components.schemas.EventBodyDto;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'venue', 'start_time', 'end_time', 'is_seated_event']));
    expect(schema.properties.start_time).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('describes what the routes really answer', async () => {
    const admin = await t.admin();
    const { event, seats } = await createSeatedEvent(t, 3);
    const standing = await createEvent(t, { is_seated_event: false, total_tickets: 5 });
    const calls: Array<[string, string, () => Promise<{ status: number; body: unknown }>]> = [
      ['GET', '/health', () => t.http.get('/health')],
      ['POST', '/api/v1/events', () => t.http.post('/api/v1/events').set('Authorization', admin).send(eventBody())],
      ['POST', '/api/v1/events', () => t.http.post('/api/v1/events').set('Authorization', admin).send({})],
      ['POST', '/api/v1/events', () => t.http.post('/api/v1/events').send(eventBody())],
      ['GET', '/api/v1/events/active', () => t.http.get('/api/v1/events/active')],
      ['GET', '/api/v1/events/:id', () => t.http.get(`/api/v1/events/${event.id}`)],
      ['GET', '/api/v1/events/:id', () => t.http.get(`/api/v1/events/${randomUUID()}`)],
      ['PUT', '/api/v1/events/:id', () => t.http.put(`/api/v1/events/${standing.id}`).set('Authorization', admin).send(eventBody({ is_seated_event: false, total_tickets: 6 }))],
      ['POST', '/api/v1/events/:id/seats', () => t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', admin).send({ seats: seatBodies(1, 'Z') })],
      ['POST', '/api/v1/events/:id/seats', () => t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', admin).send({ seats: seatBodies(1, 'Z') })],
      ['GET', '/api/v1/events/:id/seats', () => t.http.get(`/api/v1/events/${event.id}/seats`)],
      ['GET', '/api/v1/events/:id/seats/available', () => t.http.get(`/api/v1/events/${event.id}/seats/available?limit=1`)],
      ['GET', '/api/v1/events/:id/seats/:seat_id', () => t.http.get(`/api/v1/events/${event.id}/seats/${seats[0]!.id}`)],
      ['DELETE', '/api/v1/events/:id', () => t.http.delete(`/api/v1/events/${standing.id}`).set('Authorization', admin)],
    ];
    const buyer = await t.auth('openapi-buyer');
    const holdBody = { event_id: event.id, seat_ids: [seats[1]!.id] };
    const hold = (await t.http.post('/api/v1/holds').set('Authorization', buyer).send(holdBody).expect(201)).body;
    calls.push(
      ['POST', '/api/v1/holds', () => t.http.post('/api/v1/holds').set('Authorization', admin).send(holdBody)],
      ['GET', '/api/v1/holds/:id', () => t.http.get(`/api/v1/holds/${hold.id}`).set('Authorization', buyer)],
      ['GET', '/api/v1/events/:id/seats/:seat_id', () => t.http.get(`/api/v1/events/${event.id}/seats/${seats[1]!.id}`).set('Authorization', buyer)],
      ['POST', '/api/v1/holds/:id/extend', () => t.http.post(`/api/v1/holds/${hold.id}/extend`).set('Authorization', buyer).send({ ttl_seconds: 60 })],
      ['DELETE', '/api/v1/holds/:id', () => t.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', buyer)],
    );
    const queued = await createEvent(t, { queue: { enabled: true, admit_per_minute: 0, max_active_sessions: 5 } });
    const joined = (await t.http.post('/api/v1/queue/join').set('Authorization', buyer).send({ event_id: queued.id }).expect(201)).body;
    calls.push(
      ['POST', '/api/v1/queue/join', () => t.http.post('/api/v1/queue/join').set('Authorization', buyer).send({ event_id: queued.id })],
      ['GET', '/api/v1/queue/position/:event_id/:user_id', () => t.http.get(`/api/v1/queue/position/${queued.id}/openapi-buyer`).set('Authorization', buyer)],
      ['GET', '/api/v1/queue/length/:event_id', () => t.http.get(`/api/v1/queue/length/${queued.id}`)],
      ['POST', '/api/v1/queue/process/:event_id', () => t.http.post(`/api/v1/queue/process/${queued.id}`).set('Authorization', admin).send({ count: 1 })],
      ['GET', '/api/v1/queue/status/:session_id', () => t.http.get(`/api/v1/queue/status/${joined.session_id}`).set('Authorization', buyer)],
      ['POST', '/api/v1/queue/refresh', () => t.http.post('/api/v1/queue/refresh').set('Authorization', buyer).send({ session_id: joined.session_id })],
      ['DELETE', '/api/v1/queue/:session_id', () => t.http.delete(`/api/v1/queue/${joined.session_id}`).set('Authorization', buyer)],
    );
    const bought = (await t.http.post('/api/v1/tickets/purchase').set('Authorization', buyer).send({ event_id: event.id, seat_id: seats[2]!.id }).expect(201)).body.tickets[0];
    const other = (await t.http.post('/api/v1/tickets/purchase').set('Authorization', buyer).send({ event_id: event.id, seat_id: seats[0]!.id }).expect(201)).body.tickets[0];
    calls.push(
      ['POST', '/api/v1/tickets/purchase', () => t.http.post('/api/v1/tickets/purchase').set('Authorization', buyer).send({ event_id: event.id, seat_id: seats[2]!.id })],
      ['GET', '/api/v1/tickets/:id', () => t.http.get(`/api/v1/tickets/${bought.id}`).set('Authorization', buyer)],
      ['POST', '/api/v1/tickets/:id/confirm', () => t.http.post(`/api/v1/tickets/${bought.id}/confirm`).set('Authorization', buyer)],
      ['POST', '/api/v1/tickets/:id/confirm', () => t.http.post(`/api/v1/tickets/${bought.id}/confirm`).set('Authorization', buyer)],
      ['POST', '/api/v1/tickets/:id/cancel', () => t.http.post(`/api/v1/tickets/${other.id}/cancel`).set('Authorization', buyer).set('Idempotency-Key', 'k-1')],
      ['PATCH', '/api/v1/tickets/:id/status', () => t.http.patch(`/api/v1/tickets/${bought.id}/status`).set('Authorization', admin).send({ status: 'cancelled' })],
      ['GET', '/api/v1/tickets/:id/history', () => t.http.get(`/api/v1/tickets/${bought.id}/history`).set('Authorization', buyer)],
      ['GET', '/api/v1/tickets/user/:user_id', () => t.http.get('/api/v1/tickets/user/openapi-buyer').set('Authorization', buyer)],
    );
    for (const [method, path, call] of calls) {
      const res = await call();
      expect({ route: `${method} ${path} -> ${res.status}`, errors: check(method, path, res.status, res.body) }).toEqual({ route: `${method} ${path} -> ${res.status}`, errors: [] });
    }
  });

  it('serves the interactive docs at /docs', async () => {
    const res = await t.http.get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});
