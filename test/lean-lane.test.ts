import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import supertest from 'supertest';
import { createEvent, createSeatedEvent } from './support/fixtures';
import { queueHttp } from './support/queue-http';
import { aUser, holdSeats } from './support/tickets';
import { startTestApp, type TestApp } from './support/test-app';

// The suites of the lane's routes run through both ways in (test/holds.test.ts, test/queue.test.ts,
// test/tickets.test.ts, test/idempotency.test.ts); this file checks what only the lane can get wrong:
// which requests it takes, and that it answers them exactly as Express does.
let t: TestApp;
let auth: string;
let taken: boolean[];
let viaHandler: ReturnType<typeof supertest>;
let viaExpress: ReturnType<typeof supertest>;

beforeAll(async () => {
  t = await startTestApp();
  auth = await t.auth(`lane-${randomUUID()}`);
  // The server's own handler, recording whether the lane took each request.
  const recording = (req: IncomingMessage, res: ServerResponse) => {
    const took = t.app.lane!.serve(req, res);
    taken.push(took);
    if (!took) t.app.express(req, res);
  };
  viaHandler = supertest(recording);
  viaExpress = supertest(t.app.express);
});
beforeEach(() => {
  taken = [];
});
afterAll(async () => {
  await t?.close();
});

const SKIPPED_HEADERS = new Set(['date', 'x-request-id', 'connection', 'keep-alive', 'content-length']);
function headerNames(res: supertest.Response): string[] {
  return Object.keys(res.headers).filter((name) => !SKIPPED_HEADERS.has(name)).sort();
}

describe('the lean lane', () => {
  it('takes plain JSON POSTs to /api/v1/holds and leaves everything else to Express', async () => {
    const { event, seats } = await createSeatedEvent(t, 8);
    const body = (i: number) => ({ event_id: event.id, seat_ids: [seats[i]!.id] });
    taken = [];
    await viaHandler.post('/api/v1/holds').set('Authorization', auth).send(body(0)).expect(201);
    await viaHandler.post('/api/v1/holds').set('Authorization', auth).set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(body(1))).expect(201);
    expect(taken).toEqual([true, true]);

    taken = [];
    await viaHandler.post('/api/v1/holds?x=1').set('Authorization', auth).send(body(2)).expect(201);
    await viaHandler.post('/api/v1/holds/').set('Authorization', auth).send(body(3)).expect(201);
    const zipped = gzipSync(JSON.stringify(body(4)));
    await viaHandler.post('/api/v1/holds').set('Authorization', auth).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').serialize(() => zipped as never).send({}).expect(201);
    await viaHandler.post('/api/v1/holds').set('Authorization', auth).set('Content-Type', 'application/vnd.api+json').send(JSON.stringify(body(5))).expect(400);
    await viaHandler.post('/api/v1/holds').set('Authorization', auth).set('Content-Type', 'application/json; charset=latin1').send(JSON.stringify(body(5))).expect(415);
    const hold = await viaHandler.post('/api/v1/holds').set('Authorization', auth).set('Content-Type', 'text/plain').send('{}').expect(400);
    await viaHandler.get(`/api/v1/holds/${randomUUID()}`).set('Authorization', auth).expect(404);
    await viaHandler.put('/api/v1/holds').set('Authorization', auth).send(body(6)).expect(404);
    expect(hold.body.type).toBe('/problems/validation-error');
    expect(taken).toEqual([false, false, false, false, false, false, false, false]);
  });

  it('answers every outcome exactly as Express does: status, body and headers', async () => {
    const { event, seats } = await createSeatedEvent(t, 4);
    const standing = await createEvent(t, { is_seated_event: false, total_tickets: 1 });
    const post = (client: ReturnType<typeof supertest>, body: unknown, authorization: string | null = auth) => {
      const req = client.post('/api/v1/holds').set('Content-Type', 'application/json');
      if (authorization) req.set('Authorization', authorization);
      return req.send(typeof body === 'string' ? body : JSON.stringify(body));
    };

    const laneHold = await post(viaHandler, { event_id: event.id, seat_ids: [seats[0]!.id] }).expect(201);
    const expressHold = await post(viaExpress, { event_id: event.id, seat_ids: [seats[1]!.id] }).expect(201);
    expect(headerNames(laneHold)).toEqual(headerNames(expressHold));
    expect(laneHold.headers['content-type']).toBe(expressHold.headers['content-type']);
    expect(laneHold.headers.location).toBe(`/api/v1/holds/${laneHold.body.id}`);
    expect(Object.keys(laneHold.body).sort()).toEqual(Object.keys(expressHold.body).sort());
    expect(laneHold.body).toMatchObject({ event_id: event.id, seat_ids: [seats[0]!.id], quantity: 1 });

    const deep = JSON.stringify({ event_id: event.id, seat_ids: [seats[2]!.id], x: JSON.parse('['.repeat(40) + ']'.repeat(40)) });
    const outcomes: Array<[string, unknown, string | null, number]> = [
      ['taken seat', { event_id: event.id, seat_ids: [seats[1]!.id] }, auth, 409],
      ['standing, too many', { event_id: standing.id, quantity: 2 }, auth, 409],
      ['unknown event', { event_id: '0190f0c6-0000-7000-8000-000000000001', quantity: 1 }, auth, 404],
      ['unknown seat', { event_id: event.id, seat_ids: ['0190f0c6-0000-7000-8000-000000000002'] }, auth, 400],
      ['bad field', { event_id: event.id, seat_ids: 'A1', surprise: 1 }, auth, 400],
      ['malformed JSON', '{"event_id": ', auth, 400],
      ['a JSON string', '"hello"', auth, 400],
      ['empty body', '', auth, 400],
      ['too deep', deep, auth, 400],
      ['no token', { event_id: event.id, seat_ids: [seats[3]!.id] }, null, 401],
      ['bad token', { event_id: event.id, seat_ids: [seats[3]!.id] }, 'Bearer abc.def.ghi', 401],
    ];
    for (const [name, body, authorization, status] of outcomes) {
      taken = [];
      const lane = await post(viaHandler, body, authorization);
      const express = await post(viaExpress, body, authorization);
      expect(taken).toEqual([true]);
      const seen = (res: supertest.Response) => ({ name, status: res.status, body: res.body, type: res.headers['content-type'], retry: res.headers['retry-after'], auth: res.headers['www-authenticate'], headers: headerNames(res) });
      expect(seen(lane)).toEqual({ ...seen(express), name });
      expect(lane.status).toBe(status);
    }
  });

  /** A queued event and a buyer waiting in its line. */
  async function aWaitingBuyer() {
    const { queued, join } = queueHttp(() => t, () => auth);
    const event = await queued();
    const user = `lane-queue-${randomUUID()}`;
    await join(event.id, user);
    return { event, user, userAuth: await t.auth(user) };
  }

  it('takes plain GETs of a queue position and leaves the rest to Express', async () => {
    const { event, user, userAuth } = await aWaitingBuyer();
    const url = `/api/v1/queue/position/${event.id}/${user}`;
    taken = [];
    expect((await viaHandler.get(url).set('Authorization', userAuth).expect(200)).body).toEqual({ position: 1, status: 'waiting' });
    expect(taken).toEqual([true]);

    taken = [];
    await viaHandler.get(`${url}?x=1`).set('Authorization', userAuth).expect(200);
    await viaHandler.get(`${url}/`).set('Authorization', userAuth).expect(200);
    await viaHandler.get(url.replace('/queue/', '/QUEUE/')).set('Authorization', userAuth).expect(200);
    await viaHandler.get(`/api/v1/queue/position/${event.id}/${encodeURIComponent(user).replace(/-/g, '%2D')}`).set('Authorization', userAuth).expect(200);
    await viaHandler.head(url).set('Authorization', userAuth).expect(200);
    await viaHandler.get(url).set('Authorization', userAuth).set('Content-Type', 'application/json').send('{}').expect(200);
    await viaHandler.get(`/api/v1/queue/position/${event.id}`).set('Authorization', userAuth).expect(404);
    await viaHandler.get(`/api/v1/queue/position//${user}`).set('Authorization', userAuth).expect(404);
    expect(taken).toEqual([false, false, false, false, false, false, false, false]);

    // Targets HTTP clients do not send but a raw client can: Express strips a fragment and re-parses odd
    // characters, so the lane must leave them alone.
    const untouched = { setHeader: () => { throw new Error('touched'); } } as unknown as ServerResponse;
    for (const target of [`${url}#x`, `${url} x`, `${url}\u00a0`]) {
      expect(t.app.lane!.serve({ method: 'GET', url: target, headers: { authorization: userAuth } } as unknown as IncomingMessage, untouched)).toBe(false);
    }
  });

  it('answers every queue-position outcome exactly as Express does', async () => {
    const { event, user, userAuth } = await aWaitingBuyer();
    const outcomes: Array<[string, string, string | null, number]> = [
      ['own place', `/api/v1/queue/position/${event.id}/${user}`, userAuth, 200],
      ['someone else', `/api/v1/queue/position/${event.id}/${user}`, auth, 403],
      ['not in line', `/api/v1/queue/position/${event.id}/lane-ghost`, await t.auth('lane-ghost'), 404],
      ['unknown event', `/api/v1/queue/position/${randomUUID()}/${user}`, userAuth, 404],
      ['malformed event id', `/api/v1/queue/position/nope/${user}`, userAuth, 404],
      ['no token', `/api/v1/queue/position/${event.id}/${user}`, null, 401],
      ['bad token', `/api/v1/queue/position/${event.id}/${user}`, 'Bearer abc.def.ghi', 401],
    ];
    for (const [name, url, authorization, status] of outcomes) {
      taken = [];
      const get = (client: ReturnType<typeof supertest>) => (authorization ? client.get(url).set('Authorization', authorization) : client.get(url));
      const lane = await get(viaHandler);
      const express = await get(viaExpress);
      expect(taken).toEqual([true]);
      const seen = (res: supertest.Response) => ({ name, status: res.status, body: res.body, type: res.headers['content-type'], auth: res.headers['www-authenticate'], headers: headerNames(res) });
      expect(seen(lane)).toEqual({ ...seen(express), name });
      expect(lane.status).toBe(status);
    }
  });

  it('takes plain JSON POSTs of the ticket lifecycle and answers them exactly as Express does', async () => {
    const { event, seats } = await createSeatedEvent(t, 6);
    const buyer = await aUser(t);
    const other = await aUser(t);
    const post = (client: ReturnType<typeof supertest>, path: string, body: unknown, authorization: string | null, key?: string) => {
      const req = client.post(path).set('Content-Type', 'application/json');
      if (authorization) req.set('Authorization', authorization);
      if (key) req.set('Idempotency-Key', key);
      return req.send(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const seen = (name: string, res: supertest.Response) => ({ name, status: res.status, type: res.headers['content-type'], replayed: res.headers['idempotent-replayed'], headers: headerNames(res) });

    // Successes change state, so each way in buys its own seat; the answers must have the same shape.
    const bought: supertest.Response[] = [];
    for (const [i, client] of [viaHandler, viaExpress].entries()) {
      const hold = await holdSeats(t, buyer.auth, event.id, [seats[i]!.id]);
      taken = [];
      bought.push(await post(client, '/api/v1/tickets/purchase', { hold_id: hold.id }, buyer.auth, `key-${i}-${randomUUID()}`).expect(201));
      expect(taken).toEqual(client === viaHandler ? [true] : []);
    }
    expect(seen('purchase', bought[0]!)).toEqual(seen('purchase', bought[1]!));
    expect(Object.keys(bought[0]!.body.tickets[0]).sort()).toEqual(Object.keys(bought[1]!.body.tickets[0]).sort());
    const confirmed: supertest.Response[] = [];
    for (const [i, client] of [viaHandler, viaExpress].entries()) {
      confirmed.push(await post(client, `/api/v1/tickets/${bought[i]!.body.tickets[0].id}/confirm`, {}, buyer.auth).expect(200));
    }
    expect(seen('confirm', confirmed[0]!)).toEqual(seen('confirm', confirmed[1]!));
    expect(confirmed[0]!.body.status).toBe('sold');

    // Refusals and replays change nothing: the same request through each way in gets the same answer.
    const replayKey = `replay-${randomUUID()}`;
    const hold = await holdSeats(t, buyer.auth, event.id, [seats[2]!.id]);
    await post(viaHandler, '/api/v1/tickets/purchase', { hold_id: hold.id }, buyer.auth, replayKey).expect(201);
    const ticketId = bought[0]!.body.tickets[0].id as string;
    const outcomes: Array<[string, string, unknown, string | null, string | undefined, number]> = [
      ['replay', '/api/v1/tickets/purchase', { hold_id: hold.id }, buyer.auth, replayKey, 201],
      ['key reused with another body', '/api/v1/tickets/purchase', { hold_id: randomUUID() }, buyer.auth, replayKey, 422],
      ['bad key', '/api/v1/tickets/purchase', { hold_id: hold.id }, buyer.auth, ' ', 400],
      ['lapsed hold', '/api/v1/tickets/purchase', { hold_id: randomUUID() }, buyer.auth, undefined, 409],
      ['bad body', '/api/v1/tickets/purchase', { hold_id: 'x', surprise: 1 }, buyer.auth, undefined, 400],
      ['no token', '/api/v1/tickets/purchase', { hold_id: hold.id }, null, undefined, 401],
      ['confirm twice', `/api/v1/tickets/${ticketId}/confirm`, {}, buyer.auth, undefined, 409],
      ['confirm with a body', `/api/v1/tickets/${ticketId}/confirm`, { x: 1 }, buyer.auth, undefined, 400],
      ["someone else's ticket", `/api/v1/tickets/${ticketId}/cancel`, {}, other.auth, undefined, 403],
      ['malformed ticket id', '/api/v1/tickets/nope/cancel', {}, buyer.auth, undefined, 404],
    ];
    for (const [name, path, body, authorization, key, status] of outcomes) {
      taken = [];
      const lane = await post(viaHandler, path, body, authorization, key);
      const express = await post(viaExpress, path, body, authorization, key);
      expect(taken).toEqual([true]);
      expect({ ...seen(name, lane), body: lane.body }).toEqual({ ...seen(name, express), body: express.body });
      expect(lane.status).toBe(status);
    }

    // Bodiless lifecycle calls (no Content-Type) are Express's.
    taken = [];
    await viaHandler.post(`/api/v1/tickets/${bought[1]!.body.tickets[0].id}/cancel`).set('Authorization', buyer.auth).expect(200);
    expect(taken).toEqual([false]);
  });

  it('leaves a body over the default limit to Express, which refuses it with 413', async () => {
    const big = JSON.stringify({ event_id: randomUUID(), padding: 'x'.repeat(1024 * 1024) });
    const res = await viaHandler.post('/api/v1/holds').set('Authorization', auth).set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body.type).toBe('/problems/payload-too-large');
    expect(taken).toEqual([false]);
  });

  it('sends cross-origin requests to Express when CORS is configured, so they get the CORS headers', async () => {
    const withCors = await startTestApp({ corsOrigins: ['https://shop.example'] });
    try {
      const { event, seats } = await createSeatedEvent(withCors, 1);
      const res = await withCors.http
        .post('/api/v1/holds')
        .set('Origin', 'https://shop.example')
        .set('Authorization', await withCors.auth('cors-buyer'))
        .send({ event_id: event.id, seat_ids: [seats[0]!.id] })
        .expect(201);
      expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(res.headers['access-control-expose-headers']).toContain('Location');
    } finally {
      await withCors.close();
    }
  });
});
