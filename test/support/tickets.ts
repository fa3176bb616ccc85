import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';

/** A user's bearer header and id; every test makes its own users. */
export async function aUser(t: TestApp, name = 'buyer'): Promise<{ id: string; auth: string }> {
  const id = `${name}-${randomUUID()}`;
  return { id, auth: await t.auth(id) };
}

export async function holdSeats(t: TestApp, auth: string, eventId: string, seatIds: string[], ttlSeconds?: number) {
  const res = await t.http.post('/api/v1/holds').set('Authorization', auth).send({ event_id: eventId, seat_ids: seatIds, ...(ttlSeconds && { ttl_seconds: ttlSeconds }) });
  if (res.status !== 201) throw new Error(`holdSeats: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; fencing_token: number };
}

export function purchase(t: TestApp, auth: string, body: Record<string, unknown>, idempotencyKey?: string) {
  const req = t.http.post('/api/v1/tickets/purchase').set('Authorization', auth);
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
  return req.send(body);
}

/** Buys one seat in one call and returns the ticket. */
export async function buySeat(t: TestApp, auth: string, eventId: string, seatId: string): Promise<Record<string, any>> {
  const res = await purchase(t, auth, { event_id: eventId, seat_id: seatId });
  if (res.status !== 201) throw new Error(`buySeat: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.tickets[0];
}

export async function seatStatus(t: TestApp, eventId: string, seatId: string): Promise<string> {
  return (await t.http.get(`/api/v1/events/${eventId}/seats/${seatId}`)).body.status;
}

/** Polls until `check` passes or `timeoutMs` runs out (no timing assertions: only an upper bound). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
