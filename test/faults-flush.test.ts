import { sql } from 'kysely';
import { eventBody } from './support/fixtures';
import { call, checkInvariants, createSale, missingTickets, redisCommand, serverErrors, sleep, startRig, ticketsOfHolds, timeUntil, type Rig } from './support/faults';
import { storm, tally } from './support/storm';

// Runs in every mode: FLUSHALL goes to the test's own Redis, never the shared one.
const SEATS = 20;
const CAPACITY = 30;

describe('fault: Redis loses every key (FLUSHALL) in the middle of a sale', () => {
  let rig: Rig;
  beforeAll(async () => {
    // Short payment window and holds: seats come back during the storm, and everything has lapsed soon after.
    rig = await startRig(2, { JOB_INTERVAL_MS: '200', PAYMENT_WINDOW_SECONDS: '3', HOLD_TTL_SECONDS: '3' });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  }, 30_000);

  it('sells nothing twice, keeps selling without repair, and keeps standing capacity exact from Postgres', async () => {
    const bases = rig.servers.map((server) => server.url);
    const [a, b] = bases as [string, string];
    const sale = await createSale(a, SEATS, CAPACITY);
    const fenceEvent = (await call(a, 'admin-faults', 'POST', '/api/v1/events', eventBody({ is_seated_event: false, total_tickets: 1_000 }))).body.id;
    const fence = async (user: string) => (await call(b, user, 'POST', '/api/v1/holds', { event_id: fenceEvent, quantity: 1, ttl_seconds: 1 })).body.fencing_token as number;

    // Postgres sampled all along: the standing event is never over capacity, not just at the end.
    let stopped = false;
    let maxStandingLive = 0;
    const sampler = (async () => {
      while (!stopped) {
        maxStandingLive = Math.max(maxStandingLive, (await checkInvariants(rig.db, sale)).standingLive);
        await sleep(100);
      }
    })();
    // Standing purchases of one event queue on its row lock (the capacity trigger), so on a starved CI box a
    // purchase may wait seconds for its turn: the deadline is for answers that never come, not slow ones.
    const running = storm({ servers: bases, sale, buyers: 16, maxOpsPerBuyer: 400, pauseMs: 40, timeoutMs: 10_000, stop: () => stopped, label: 'flush-storm' });

    const flushes: Array<{ at: number; keys: number; holds: number; fenceBefore: number; fenceAfter: number }> = [];
    for (const delay of [1_200, 1_000]) {
      await sleep(delay);
      const fenceBefore = await fence(`fence-${flushes.length}-a`);
      const keys = Number(await redisCommand(rig.redis.url, ['DBSIZE']));
      const holds = ((await redisCommand(rig.redis.url, ['KEYS', 'onsale:hold:*:h:*'])) as string[]).length;
      await redisCommand(rig.redis.url, ['FLUSHALL']);
      const at = Date.now();
      flushes.push({ at, keys, holds, fenceBefore, fenceAfter: await fence(`fence-${flushes.length}-b`) });
    }
    await sleep(1_500);
    stopped = true;
    const [result] = await Promise.all([running, sampler]);
    const stoppedAt = Date.now();
    const lastFlush = flushes[flushes.length - 1]!.at;
    const afterFlush = result.replies.filter((reply) => reply.sentAt >= lastFlush);
    const firstSale = (from: number) => result.replies.find((reply) => reply.sentAt >= from && reply.op.startsWith('buy') && reply.status === 201);

    // Once every reservation and hold of the storm has lapsed, what is left of the standing event sells to
    // exactly its capacity, one buyer after another through both processes, and not one place more.
    const drained = await timeUntil(async () => {
      const left = await sql<{ n: number }>`SELECT count(*) AS n FROM tickets WHERE event_id IN (${sale.seatedId}, ${sale.standingId}) AND status = 'reserved'`.execute(rig.db.db);
      return Number(left.rows[0]!.n) === 0 ? true : undefined;
    }, 15_000, 100);
    // Holds the storm left behind (a refused purchase does not release its hold) lapse with their TTL.
    await sleep(Math.max(0, stoppedAt + 3_500 - Date.now()));
    const soldBefore = (await checkInvariants(rig.db, sale)).standingLive;
    const remaining = CAPACITY - soldBefore;
    // Each purchase is paid at once: a reservation left to its short payment window would lapse before the
    // last place is bought and let the extra buyer in.
    const fill: number[] = [];
    for (let i = 0, left = remaining; left > 0; i++, left -= Math.min(5, left)) {
      const user = `flush-fill-${i}`;
      const bought = await call(bases[i % 2]!, user, 'POST', '/api/v1/tickets/purchase', { event_id: sale.standingId, quantity: Math.min(5, left) });
      const paid = bought.status === 201 ? await Promise.all(bought.body.tickets.map((t: { id: string }) => call(bases[(i + 1) % 2]!, user, 'POST', `/api/v1/tickets/${t.id}/confirm`))) : [];
      fill.push(bought.status, ...paid.map((r) => r.status));
    }
    const overflow = await call(b, 'flush-fill-extra', 'POST', '/api/v1/tickets/purchase', { event_id: sale.standingId, quantity: 1 });
    const standingEvent = (await call(a, 'reader', 'GET', `/api/v1/events/${sale.standingId}`)).body;
    // Every seat Postgres says is available is sellable: no lock or counter survives as a phantom.
    const free = await rig.db.db.selectFrom('seats').select('id').where('eventId', '=', sale.seatedId).where('status', '=', 'available').execute();
    const seatSales = await Promise.all(free.map((seat, i) => call(bases[i % 2]!, `flush-seat-${i}`, 'POST', '/api/v1/tickets/purchase', { event_id: sale.seatedId, seat_id: seat.id })));

    const invariants = await checkInvariants(rig.db, sale);
    const lostTickets = await missingTickets(rig.db, result.ticketIds);
    const refusedButSold = await ticketsOfHolds(rig.db, result.refusedHoldIds);
    console.log(
      [
        `flush fault: ${flushes.map((f) => `FLUSHALL of ${f.keys} keys (${f.holds} live holds), first sale ${firstSale(f.at) ? `${firstSale(f.at)!.sentAt - f.at} ms` : 'never'} after (fencing ${f.fenceBefore} -> ${f.fenceAfter})`).join('; ')};`,
        `standing: at most ${maxStandingLive}/${CAPACITY} live during the storm; ${soldBefore} sold after it, the remaining ${remaining} sold and paid ${JSON.stringify(countOf(fill))}, one more ${overflow.status} ${overflow.body?.type}; counts ${JSON.stringify(standingEvent.counts)};`,
        `seated: ${free.length} seats free in Postgres after the storm, sold again ${JSON.stringify(countOf(seatSales.map((r) => r.status)))};`,
        `requests lost: ${result.replies.filter((r) => r.status === 0).length} unanswered, ${lostTickets.length} tickets missing, ${refusedButSold.length} refused purchases that sold;`,
        `storm: ${result.replies.length} requests, ${result.ticketIds.length} tickets; after the last flush ${JSON.stringify(tally(afterFlush))}`,
      ].join('\n'),
    );

    expect(flushes.every((f) => f.keys > 0 && f.fenceAfter > f.fenceBefore)).toBe(true);
    expect(flushes.every((f) => firstSale(f.at) !== undefined)).toBe(true);
    expect(afterFlush.some((reply) => reply.op.startsWith('hold') && reply.status === 201)).toBe(true);
    expect(result.replies.filter((reply) => reply.status === 0 || reply.status >= 500).map((r) => `${r.op} ${r.status} ${r.error ?? ''}`)).toEqual([]);
    expect(maxStandingLive).toBeLessThanOrEqual(CAPACITY);
    expect(drained).not.toBeNull();
    expect(fill.filter((status) => status !== 201 && status !== 200)).toEqual([]);
    expect(overflow.status).toBe(409);
    expect(standingEvent.counts).toMatchObject({ available: 0 });
    expect(standingEvent.counts).toMatchObject({ reserved: 0, sold: CAPACITY });
    expect(seatSales.map((r) => r.status)).toEqual(free.map(() => 201));
    expect(invariants).toEqual({ doubleSold: [], standingLive: CAPACITY, disagreeing: [] });
    expect(lostTickets).toEqual([]);
    expect(refusedButSold).toEqual([]);
    expect(serverErrors(rig.servers)).toEqual([]);
  }, 60_000);
});

function countOf(statuses: number[]): Record<number, number> {
  return statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
}
