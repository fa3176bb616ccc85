import { eventBody } from './support/fixtures';
import { call, checkInvariants, createSale, missingTickets, serverDurations, redisPid, serverErrors, sleep, spread, startRig, ticketsOfHolds, timeUntil, type Reply, type Rig } from './support/faults';
import { maxMs, storm, tally, type StormOp, type StormReply } from './support/storm';

// Runs in every mode: the Redis it kills and the Postgres it checks are its own.
const PROBLEM = /application\/problem\+json/;
// How long Redis stays dead: longer than any answer may take, so a request that waited for it shows.
const DOWN_MS = 3_000;
// Operations that must reach Redis (the hold store); confirm and cancel touch Postgres only.
const NEEDS_REDIS: StormOp[] = ['hold-seat', 'hold-places', 'buy-seat', 'buy-places', 'buy-held-seat', 'buy-held-places'];

describe('fault: Redis is killed in the middle of a storm of holds and purchases, then restarted empty', () => {
  let rig: Rig;
  beforeAll(async () => {
    // A short payment window keeps seats coming back, so holds and purchases go on succeeding before and after.
    rig = await startRig(2, { JOB_INTERVAL_MS: '200', PAYMENT_WINDOW_SECONDS: '2' });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  }, 30_000);

  it('answers 503 + Retry-After fast while down, keeps Postgres reads working, recovers by itself, sells nothing twice', async () => {
    const [a, b] = rig.servers.map((server) => server.url) as [string, string];
    const sale = await createSale(a, 40, 40);
    // A ticket bought before the fault, for GET /tickets/:id while Redis is down.
    const owned = await call(a, 'reader', 'POST', '/api/v1/tickets/purchase', { event_id: sale.seatedId, seat_id: sale.seatIds[0] });
    expect(owned.status).toBe(201);
    const ticketId: string = owned.body.tickets[0].id;
    // Recovery probes hold one place of an event with room to spare, so they fail only while Redis does.
    const probeEvent = (await call(a, 'admin-faults', 'POST', '/api/v1/events', eventBody({ is_seated_event: false, total_tickets: 100_000 }))).body.id;
    let probes = 0;
    const probeHold = async (base: string): Promise<StormReply> => ({
      ...(await call(base, `probe-${probes++}`, 'POST', '/api/v1/holds', { event_id: probeEvent, quantity: 1, ttl_seconds: 2 })),
      op: 'hold-places',
    });

    let stopped = false;
    const running = storm({ servers: [a, b], sale: { ...sale, seatIds: sale.seatIds.slice(1) }, buyers: 12, maxOpsPerBuyer: 500, pauseMs: 50, stop: () => stopped, label: 'redis-storm' });
    await sleep(1_500);

    await rig.redis.stop('SIGKILL');
    const killedAt = Date.now();
    const first = await probeHold(a);
    const timeTo503 = Date.now() - killedAt;

    // While the storm keeps hitting the dead Redis: probe holds, and reads served from Postgres, through both processes.
    const probed: StormReply[] = [first];
    const reads: Array<Reply & { path: string }> = [];
    const paths = [
      `/api/v1/events/${sale.seatedId}`,
      `/api/v1/events/${sale.standingId}`,
      `/api/v1/events/${sale.seatedId}/seats?limit=100`,
      `/api/v1/events/${sale.seatedId}/seats/available?limit=100`,
      `/api/v1/events/${sale.seatedId}/seats/${sale.seatIds[1]}`,
      `/api/v1/tickets/${ticketId}`,
    ];
    while (Date.now() - killedAt < DOWN_MS) {
      for (const base of [a, b]) {
        probed.push(await probeHold(base));
        for (const path of paths) reads.push({ ...(await call(base, 'reader', 'GET', path)), path });
      }
    }
    const health = await call(b, 'reader', 'GET', '/health');

    const restartingAt = Date.now();
    await rig.redis.start();
    const restartedAt = Date.now();
    const recoveries = await Promise.all([a, b].map((base) => timeUntil(async () => ((await probeHold(base)).status === 201 ? true : undefined), 15_000)));
    const recoveredAt = restartedAt + Math.max(...recoveries.map((r) => r?.ms ?? 0));
    await sleep(1_000);
    stopped = true;
    const result = await running;

    // Sent while down: all must be quick. Answered while down (before the restart began): all must be refusals.
    const sentWhileDown = [...result.replies, ...probed].filter((reply) => reply.sentAt >= killedAt && reply.sentAt < restartingAt);
    const whileDown = sentWhileDown.filter((reply) => reply.sentAt + reply.ms < restartingAt);
    const redisBound = whileDown.filter((reply) => NEEDS_REDIS.includes(reply.op));
    const before = result.replies.filter((reply) => reply.sentAt + reply.ms < killedAt);
    const after = result.replies.filter((reply) => reply.sentAt >= recoveredAt);
    const invariants = await checkInvariants(rig.db, sale);
    const lostTickets = await missingTickets(rig.db, result.ticketIds);
    const refusedButSold = await ticketsOfHolds(rig.db, result.refusedHoldIds);
    const unanswered = [...result.replies, ...reads, ...probed].filter((reply) => reply.status === 0);
    console.log(
      [
        `redis fault: first hold after SIGKILL answered ${first.status} in ${timeTo503} ms;`,
        `${sentWhileDown.length} requests sent while down, latency p50/p95/max ${spread(sentWhileDown.map((r) => r.ms)).join('/')} ms (answered before the kill: ${spread(before.map((r) => r.ms)).join('/')} ms); server-side 503 p50/p95/max ${spread(serverDurations(rig.servers, 503)).join('/')} ms;`,
        `${reads.length} Postgres reads while down: ${JSON.stringify(countBy(reads, (read) => `${read.path.replace(/[0-9a-f-]{36}/g, ':id').replace(/\?.*/, '')} ${read.status}`))};`,
        `holds succeed again ${recoveries.map((r) => (r ? `${r.ms} ms` : 'never')).join(' / ')} after restart (process a / b);`,
        `requests lost: ${unanswered.length} unanswered, ${lostTickets.length} tickets missing, ${refusedButSold.length} refused purchases that sold;`,
        `storm: ${result.replies.length} requests, ${result.ticketIds.length} tickets; while down ${JSON.stringify(tally(whileDown))}; after recovery ${JSON.stringify(tally(after))}`,
      ].join('\n'),
    );

    // While down: every Redis-bound request answers fast, and a refusal is a 503 problem with Retry-After.
    expect(first).toMatchObject({ status: 503, body: { type: '/problems/dependency-unavailable', dependency: 'cache' } });
    expect(Number(first.retryAfter)).toBeGreaterThan(0);
    expect(redisBound.filter((reply) => reply.status === 503).length).toBeGreaterThan(0);
    // Nothing waits on the dead Redis: had requests waited for it to come back, they would take the whole
    // outage. How fast they answer is printed above and recorded in docs/operations.md (timing goals belong
    // in the benchmark, not in a bound a loaded machine can break).
    expect(maxMs(sentWhileDown)).toBeLessThan(DOWN_MS);
    const isRefusal = (r: StormReply) => r.status === 503 && r.body?.type === '/problems/dependency-unavailable' && PROBLEM.test(r.contentType ?? '') && Number(r.retryAfter) > 0;
    expect(redisBound.filter((r) => r.status !== 409 && !isRefusal(r)).map((r) => `${r.op} ${r.status} ${r.body?.type} retry-after=${r.retryAfter}`)).toEqual([]);
    // A 409 while down may only come from Postgres (the seat is already reserved or sold), never a hold decided in Redis.
    expect(redisBound.filter((reply) => reply.status === 409 && reply.body?.type !== '/problems/seats-unavailable' && reply.body?.type !== '/problems/sold-out')).toEqual([]);
    expect(health).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { database: 'ok', cache: 'unavailable' } } });

    // Reads served from Postgres keep working; what only the hold store knows reads as unknown (held: null).
    expect(reads.filter((read) => read.status !== 200).map((read) => `${read.path} ${read.status}`)).toEqual([]);
    expect(reads.filter((read) => read.body?.counts).every((read) => read.body.counts.held === null)).toBe(true);

    // Recovery without intervention, in both processes, and the storm sells again afterwards.
    expect(recoveries.every((r) => r !== null)).toBe(true);
    expect(after.some((reply) => reply.op.startsWith('hold') && reply.status === 201)).toBe(true);
    expect((await call(a, 'reader', 'GET', '/health')).status).toBe(200);

    // Nothing lost, nothing sold twice, nothing over capacity, no 500 anywhere, both processes alive.
    expect(unanswered.map((reply) => reply.error)).toEqual([]);
    expect(lostTickets).toEqual([]);
    expect(refusedButSold).toEqual([]);
    expect(invariants).toEqual({ doubleSold: [], standingLive: expect.any(Number), disagreeing: [] });
    expect(invariants.standingLive).toBeLessThanOrEqual(sale.capacity);
    expect(result.replies.filter((reply) => reply.status >= 500 && reply.status !== 503)).toEqual([]);
    expect(serverErrors(rig.servers)).toEqual([]);
    expect(rig.servers.map((server) => server.child.exitCode)).toEqual([null, null]);
  }, 60_000);
});

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  return items.reduce<Record<string, number>>((counts, item) => ({ ...counts, [key(item)]: (counts[key(item)] ?? 0) + 1 }), {});
}

describe('fault: Redis freezes (SIGSTOP: connected but silent, as in a network partition or a stalled server)', () => {
  let rig: Rig;
  let frozen = 0;
  beforeAll(async () => {
    rig = await startRig(1);
  }, 60_000);
  afterAll(async () => {
    if (frozen) process.kill(frozen, 'SIGCONT');
    await rig?.close();
  }, 30_000);

  it('refuses holds with 503 within one second and keeps Postgres reads working', async () => {
    const base = rig.servers[0]!.url;
    const event = (await call(base, 'admin-faults', 'POST', '/api/v1/events', eventBody({ is_seated_event: false, total_tickets: 1_000 }))).body.id;
    const hold = (user: string) => call(base, user, 'POST', '/api/v1/holds', { event_id: event, quantity: 1, ttl_seconds: 2 }, 3_000);
    expect((await hold('freeze-0')).status).toBe(201);

    frozen = redisPid(rig.redis.url);
    process.kill(frozen, 'SIGSTOP');
    const holds = await Promise.all([hold('freeze-1'), hold('freeze-2')]);
    const read = await call(base, 'reader', 'GET', `/api/v1/events/${event}`, undefined, 3_000);
    const health = await call(base, 'reader', 'GET', '/health', undefined, 3_000);
    process.kill(frozen, 'SIGCONT');
    frozen = 0;
    const recovered = await timeUntil(async () => ((await hold(`freeze-r${Date.now()}`)).status === 201 ? true : undefined), 10_000);
    console.log(
      `redis freeze: holds answered ${holds.map((r) => `${r.status || 'nothing'} in ${r.ms} ms`).join(', ')} (client gives up at 3000 ms); ` +
        `event read ${read.status || 'nothing'} in ${read.ms} ms; /health ${health.status} in ${health.ms} ms; holds succeed ${recovered ? `${recovered.ms} ms` : 'never'} after SIGCONT`,
    );

    expect(health).toMatchObject({ status: 503, body: { checks: { cache: 'unavailable' } } });
    // A silent Redis must not hold requests open: guardRedis's deadline (800 ms) turns it into a 503. The time
    // is printed and recorded in docs/operations.md; the bound here only proves "no hang" (a machine under
    // load adds its own delay, and timing goals belong in the benchmark).
    expect(holds.map((r) => r.status)).toEqual([503, 503]);
    expect(maxMs(holds)).toBeLessThan(2_500);
    expect(read.status).toBe(200);
    expect(recovered).not.toBeNull();
  }, 60_000);
});
