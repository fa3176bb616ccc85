import type { TestApp } from './test-app';

const HOUR = 3_600_000;

/** A valid event body; tests override what they care about. */
export function eventBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const start = Date.now() + 30 * 24 * HOUR;
  return {
    name: 'Night Show',
    venue: 'Main Hall',
    start_time: new Date(start).toISOString(),
    end_time: new Date(start + 3 * HOUR).toISOString(),
    is_seated_event: true,
    ...overrides,
  };
}

export function seatBodies(count: number, section = 'A', perRow = 50): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    section,
    row: String(Math.floor(i / perRow) + 1),
    number: (i % perRow) + 1,
    price_cents: 5_000,
  }));
}

export async function createEvent(t: TestApp, overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await t.http.post('/api/v1/events').set('Authorization', await t.admin()).send(eventBody(overrides));
  if (res.status !== 201) throw new Error(`createEvent: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createSeatedEvent(t: TestApp, seats = 10, overrides: Record<string, unknown> = {}) {
  const event = await createEvent(t, overrides);
  if (seats > 0) {
    const res = await t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', await t.admin()).send({ seats: seatBodies(seats) });
    if (res.status !== 201) throw new Error(`createSeats: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const list = await t.http.get(`/api/v1/events/${event.id}/seats?limit=10000`);
  return { event, seats: list.body.seats as Array<Record<string, any>> };
}
