import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('HTTP conventions', () => {
  it('serves /health with both checks', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', cache: 'ok' } });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await t.http.get('/api/v1/nothing-here').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: '/problems/not-found', title: 'Not Found', status: 404 });
    expect(typeof res.body.detail).toBe('string');
  });

  it('rejects malformed JSON with 400 and changes nothing', async () => {
    const name = `broken-${Date.now()}-${Math.random()}`;
    const res = await t.http
      .post('/api/v1/events')
      .set('Authorization', await t.admin())
      .set('Content-Type', 'application/json')
      .send(`{"name": "${name}",`)
      .expect(400);
    expect(res.body).toMatchObject({ type: '/problems/malformed-json', status: 400 });
    const after = await t.http.get('/api/v1/events/active').expect(200);
    expect(after.body.events.filter((e: { name: string }) => e.name === name)).toEqual([]);
  });

  it('rejects bodies over 1 MB with 413', async () => {
    const res = await t.http
      .post('/api/v1/events')
      .set('Authorization', await t.admin())
      .send({ name: 'x'.repeat(1_100_000) })
      .expect(413);
    expect(res.body).toMatchObject({ type: '/problems/payload-too-large', status: 413 });
  });

  it('rejects a JSON array or a primitive where an object is expected', async () => {
    const admin = await t.admin();
    for (const body of ['[1,2]', '"text"', '42', 'null']) {
      const res = await t.http.post('/api/v1/events').set('Authorization', admin).set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.field ?? res.body.type).toBeTruthy();
    }
  });

  it('echoes a caller X-Request-Id and generates one otherwise', async () => {
    const echoed = await t.http.get('/health').set('X-Request-Id', 'trace-abc.123');
    expect(echoed.headers['x-request-id']).toBe('trace-abc.123');
    const generated = await t.http.get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(unsafe.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('does not advertise the framework', async () => {
    const res = await t.http.get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
