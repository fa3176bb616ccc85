import { randomUUID } from 'node:crypto';
import { EventBus, type BusMessage } from '../lib/adapter/event-bus';
import { deletePrefix } from '../pkg/redis/client';
import { createSeatedEvent } from './support/fixtures';
import { databaseUrl, redisUrl } from './support/services';
import { testRedisClient } from './support/redis';
import { startTestApp, type TestApp } from './support/test-app';

// Holds check seats against each process's SeatCatalog, not Postgres. What one process sells, cancels or
// lets expire must reach the other's catalog through the EventBus: with real services two apps share
// Postgres and Redis as two API processes do; embedded, one app plays both parts.
const shared = Boolean(databaseUrl && redisUrl);
const prefix = `onsale-test:${randomUUID()}:`;
let seller: TestApp;
let holder: TestApp;

beforeAll(async () => {
  seller = await startTestApp({ redisKeyPrefix: prefix });
  holder = shared ? await startTestApp({ redisKeyPrefix: prefix }) : seller;
});
afterAll(async () => {
  if (holder !== seller) await holder?.close();
  await seller?.close();
  if (shared) {
    const client = testRedisClient();
    await client.connect();
    await deletePrefix(client, prefix);
    await client.close();
  }
});

/** Resolves once the holder's process has dispatched a seat message with `status` (its catalog listens first). */
async function seen(eventId: string, seatId: string, status: string): Promise<() => Promise<void>> {
  let arrive: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const unsubscribe = await holder.runtime.container.get<EventBus>(EventBus).subscribe(eventId, (_event, message: BusMessage) => {
    if (message.type === 'seat' && message.data.seat_id === seatId && message.data.status === status) arrive();
  });
  return async () => {
    await arrived;
    unsubscribe();
  };
}

describe(`seat catalog ${shared ? 'across two processes' : 'in one process'}`, () => {
  it('refuses a hold on a seat sold elsewhere, and allows it again once the ticket is cancelled', async () => {
    const { event, seats } = await createSeatedEvent(seller, 2);
    const [sold, other] = [seats[0]!.id as string, seats[1]!.id as string];
    const hold = async (seatId: string) =>
      holder.http.post('/api/v1/holds').set('Authorization', await holder.auth(`catalog-${randomUUID()}`)).send({ event_id: event.id, seat_ids: [seatId] });

    // The holder's catalog has read the event while both seats were available.
    expect((await hold(other)).status).toBe(201);

    const reserved = await seen(event.id, sold, 'reserved');
    const buyer = await seller.auth(`buyer-${randomUUID()}`);
    const purchase = await seller.http.post('/api/v1/tickets/purchase').set('Authorization', buyer).send({ event_id: event.id, seat_id: sold }).expect(201);
    await reserved();
    // The sale released its hold in Redis, so only the catalog stands between this request and the seat.
    const refused = await hold(sold);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: '/problems/seats-unavailable', conflicting_seat_ids: [sold] });
    expect(refused.headers['retry-after']).toBeUndefined();

    const available = await seen(event.id, sold, 'available');
    await seller.http.post(`/api/v1/tickets/${purchase.body.tickets[0].id}/cancel`).set('Authorization', buyer).send({}).expect(200);
    await available();
    expect((await hold(sold)).status).toBe(201);
  });

  it('confirms a refusal with Postgres: news of a sale that arrives after the seat was freed refuses nothing', async () => {
    const { event, seats } = await createSeatedEvent(seller, 1);
    const seatId = seats[0]!.id as string;
    const hold = async () =>
      holder.http.post('/api/v1/holds').set('Authorization', await holder.auth(`catalog-${randomUUID()}`)).send({ event_id: event.id, seat_ids: [seatId], ttl_seconds: 1 });
    expect((await hold()).status).toBe(201);
    // A late message, as when a reservation's news arrives after its expiry's from another process.
    const late = await seen(event.id, seatId, 'reserved');
    await seller.runtime.container.get<EventBus>(EventBus).publish(event.id, 'seat', { seat_id: seatId, status: 'reserved' });
    await late();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await hold()).status).toBe(201);
  });
});
