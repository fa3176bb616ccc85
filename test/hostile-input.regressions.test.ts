// Inputs the hostile-input property test found answered with a 500, pinned one by one.
import { gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import { createEvent, eventBody } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp({}, { jobs: false });
  admin = await t.admin();
});
afterAll(async () => {
  await t?.close();
});

function expectProblem(res: Response, status: number, type: string): void {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type, status, title: expect.any(String), detail: expect.any(String) });
  expect(res.status).toBe(status);
}

describe('a path parameter that is not valid percent-encoding', () => {
  it('is 400 malformed-uri, not 500 (Express raises a URIError before any route runs)', async () => {
    const user = await t.auth('u-regressions');
    for (const path of ['/api/v1/events/%E0%A4%A', '/api/v1/events/%zz/seats', '/api/v1/queue/length/%']) {
      expectProblem(await t.http.get(path), 400, '/problems/malformed-uri');
    }
    expectProblem(await t.http.get('/api/v1/holds/%').set('Authorization', user), 400, '/problems/malformed-uri');
    expectProblem(await t.http.delete('/api/v1/events/%E0').set('Authorization', admin), 400, '/problems/malformed-uri');
  });
});

describe('a body that does not match its Content-Encoding', () => {
  // The identity serialiser sends the bytes as they are (superagent would JSON-encode a Buffer).
  const post = (encoding: string, body: Buffer) =>
    t.http.post('/api/v1/events').set('Authorization', admin).set('Content-Type', 'application/json').set('Content-Encoding', encoding).serialize((b) => b).send(body);

  it('is 400 unreadable-body, not 500', async () => {
    const plain = Buffer.from(JSON.stringify(eventBody()));
    expectProblem(await post('gzip', plain), 400, '/problems/unreadable-body');
    expectProblem(await post('deflate', plain), 400, '/problems/unreadable-body');
    expectProblem(await post('gzip', gzipSync(plain).subarray(0, 20)), 400, '/problems/unreadable-body');
  });

  it('still reads a body that really is gzip, and still refuses an unknown encoding with 415', async () => {
    const body = eventBody({ name: 'Zipped' });
    expect((await post('gzip', gzipSync(JSON.stringify(body))).expect(201)).body.name).toBe('Zipped');
    expectProblem(await post('compress', Buffer.from('{}')), 415, '/problems/unsupported-encoding');
  });
});

describe('U+0000 in text that Postgres stores', () => {
  it('is 400 naming the field, not 500, for event fields', async () => {
    for (const field of ['name', 'venue', 'description']) {
      const res = await t.http.post('/api/v1/events').set('Authorization', admin).send(eventBody({ [field]: 'a\u0000b' }));
      expectProblem(res, 400, '/problems/validation-error');
      expect(res.body.errors).toEqual([{ field, message: 'must not contain the NUL character (U+0000)' }]);
    }
    const event = await createEvent(t);
    const put = await t.http.put(`/api/v1/events/${event.id}`).set('Authorization', admin).send(eventBody({ name: '\u0000' }));
    expectProblem(put, 400, '/problems/validation-error');
    expect((await t.http.get(`/api/v1/events/${event.id}`)).body.name).toBe(event.name);
  });

  it('is 400 naming the field, not 500, for seat fields; no seat is added', async () => {
    const event = await createEvent(t);
    const seat = { section: 'A', row: '1', number: '1', category: 'stalls' };
    for (const field of ['section', 'row', 'number', 'category']) {
      const res = await t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', admin).send({ seats: [{ ...seat, [field]: '1\u0000' }] });
      expectProblem(res, 400, '/problems/validation-error');
      expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual([`seats[0].${field}`]);
    }
    expect((await t.http.get(`/api/v1/events/${event.id}/seats`)).body.seats).toEqual([]);
    await t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', admin).send({ seats: [seat] }).expect(201);
  });
});

// Found by the property test: U+0000 in a user id reached Postgres (22021) and answered 500.
it('GET /tickets/user/:user_id with U+0000 in the id is a 404, not a 500', async () => {
  expectProblem(await t.http.get('/api/v1/tickets/user/%00').set('Authorization', admin), 404, '/problems/not-found');
});
