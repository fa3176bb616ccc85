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
    const served = servedRoutes(t.app).filter((r) => !r.includes(' /docs') && r !== 'GET /').sort();
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
