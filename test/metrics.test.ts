import { randomUUID } from 'node:crypto';
import { createEvent } from './support/fixtures';
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
});
