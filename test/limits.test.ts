import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../internal/controller/http-server';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let server: Server;
let port: number;
beforeAll(async () => {
  t = await startTestApp();
  server = createHttpServer(t.app).listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await t?.close();
});

function raw(path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; type: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('request size limits, answered as problem+json', () => {
  it('431 for oversized headers', async () => {
    const res = await raw('/health', { 'X-Padding': 'x'.repeat(20_000) });
    expect(res.status).toBe(431);
    expect(res.type).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ type: '/problems/headers-too-large', status: 431 });
  });

  it('414 for an over-long URL', async () => {
    const res = await raw(`/api/v1/events/active?pad=${'x'.repeat(3_000)}`);
    expect(res.status).toBe(414);
    expect(res.body).toMatchObject({ type: '/problems/uri-too-long', status: 414 });
  });

  it('400 for JSON nested deeper than 32 levels, before validation', async () => {
    const deep = '{"a":'.repeat(40) + '1' + '}'.repeat(40);
    const res = await raw('/api/v1/events', { 'Content-Type': 'application/json', Authorization: await t.admin() }, deep);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body', message: expect.stringMatching(/deeper than 32/) }]);
  });

  it('400 (not a crash) for pathologically deep JSON', async () => {
    const res = await raw('/api/v1/events', { 'Content-Type': 'application/json', Authorization: await t.admin() }, '['.repeat(200_000) + ']'.repeat(200_000));
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/application\/problem\+json/);
  });

  it('still serves ordinary requests on the same server', async () => {
    expect((await raw('/health')).status).toBe(200);
  });
});
