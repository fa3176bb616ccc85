import { startTestApp, type TestApp } from './support/test-app';

describe('security headers and CORS', () => {
  let closed: TestApp;
  let open: TestApp;
  beforeAll(async () => {
    closed = await startTestApp();
    open = await startTestApp({ corsOrigins: ['https://shop.example'] });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  it('sends helmet headers on every response, errors included', async () => {
    for (const path of ['/health', '/api/v1/missing']) {
      const res = await closed.http.get(path);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(res.headers['content-security-policy']).toBeDefined();
    }
  });

  it('grants no cross-origin access by default', async () => {
    const res = await closed.http.get('/health').set('Origin', 'https://shop.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows only the configured origins, with the API headers', async () => {
    const allowed = await open.http.options('/api/v1/events').set('Origin', 'https://shop.example').set('Access-Control-Request-Method', 'POST');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
    const denied = await open.http.get('/health').set('Origin', 'https://evil.example');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });
});
