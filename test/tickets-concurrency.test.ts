import { createEvent, createSeatedEvent } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await startTestApp();
  // One real listener, so the requests below really are in flight together.
  base = await t.listen();
});
afterAll(async () => {
  await t?.close();
});

async function purchaseAs(user: string, body: Record<string, unknown>): Promise<{ status: number; type?: string }> {
  const res = await fetch(`${base}/api/v1/tickets/purchase`, {
    method: 'POST',
    headers: { Authorization: await t.auth(user), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { type?: string };
  return { status: res.status, type: json.type };
}

function tally(results: Array<{ status: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

it('100 simultaneous purchases of one seat by 100 users: exactly one 201, 99 409s', async () => {
  const { event, seats } = await createSeatedEvent(t, 1);
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => purchaseAs(`storm-${event.id}-${i}`, { event_id: event.id, seat_id: seats[0].id })));
  console.log(`100 purchases of one seat: ${JSON.stringify(tally(results))} in ${Date.now() - started} ms`);
  expect(tally(results)).toEqual({ 201: 1, 409: 99 });
  const live = await t.http.get(`/api/v1/events/${event.id}/seats/${seats[0].id}`);
  expect(live.body.status).toBe('reserved');
});

it('60 simultaneous single-place purchases of a standing event of 25: exactly 25 tickets', async () => {
  const event = await createEvent(t, { is_seated_event: false, total_tickets: 25 });
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => purchaseAs(`standing-${event.id}-${i}`, { event_id: event.id, quantity: 1 })));
  console.log(`60 purchases of a 25-place standing event: ${JSON.stringify(tally(results))}`);
  expect(tally(results)).toEqual({ 201: 25, 409: 35 });
});
