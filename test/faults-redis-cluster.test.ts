import { DependencyUnavailableError } from '../lib/domain/errors';
import { newId } from '../lib/domain/id';
import { createRedisClient, type RedisClient } from '../pkg/redis/client';
import { RedisHealthProbe } from '../pkg/redis/redis-health-probe';
import { RedisEventBus } from '../pkg/redis/redis-event-bus';
import { RedisHoldStore } from '../pkg/redis/redis-hold-store';
import { RedisWaitingRoom } from '../pkg/redis/redis-waiting-room';
import { startOwnRedisCluster, type OwnRedisCluster } from './support/own-services';

// Runs in every mode: the cluster it breaks is its own (three masters, no replicas, so no failover).
const PREFIX = 'faults:';

describe('fault: one master of a Redis Cluster dies, then comes back', () => {
  let cluster: OwnRedisCluster;
  let client: RedisClient;
  let store: RedisHoldStore;
  beforeAll(async () => {
    cluster = await startOwnRedisCluster();
    client = createRedisClient(cluster.url, () => {}, { cluster: true });
    await client.connect();
    store = new RedisHoldStore(client, PREFIX);
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await cluster?.close();
  });

  /** Ids whose key `key(id)` lives on node `node` (or, with `elsewhere`, on another node). */
  async function idsOn(node: number, key: (id: string) => string, count: number, elsewhere = false): Promise<string[]> {
    const ids: string[] = [];
    while (ids.length < count) {
      const id = newId();
      if (((await cluster.ownerOf(key(id))) === node) !== elsewhere) ids.push(id);
    }
    return ids;
  }
  const hold = (eventId: string, seatId: string, holdId = newId()) =>
    store.holdSeats({ holdId, eventId, userId: `u-${newId()}`, seatIds: [seatId], ttlMs: 60_000, maxPerUser: 10 });
  const outcome = (work: Promise<unknown>) => work.then((result) => ((result as { ok?: boolean }).ok ? 'held' : 'refused'), (error) => (error instanceof DependencyUnavailableError ? 'unavailable' : `error: ${String(error)}`));

  it("fails only what the dead node serves, as 503s, leaves no hold that nobody can find, and recovers by itself", async () => {
    const dead = 1;
    const [liveEvent] = await idsOn(dead, (id) => `${PREFIX}hold:{${id}}:seats`, 1, true);
    const [deadEvent] = await idsOn(dead, (id) => `${PREFIX}hold:{${id}}:seats`, 1);
    // A hold's id pointer lives in a slot of its own: these holds of the live event have it on the dead node.
    const strandedHoldIds = await idsOn(dead, (id) => `${PREFIX}hold-ref:${id}`, 5);
    const fineHoldIds = await idsOn(dead, (id) => `${PREFIX}hold-ref:${id}`, 5, true);
    const seats = Array.from({ length: 5 }, () => newId());
    const subscriber = client.duplicate();
    await subscriber.connect();
    const bus = new RedisEventBus(client, subscriber, PREFIX);
    const heard: unknown[] = [];
    const off = await bus.subscribe(liveEvent!, (_, message) => heard.push(message.data));

    await cluster.nodes[dead]!.stop('SIGKILL');
    // Past the node time-out: the survivors have marked it failed, and still serve their own slots.
    await cluster.failed(dead);

    // A running process finds the cache up: its other masters answer (a balancer must not drain it).
    await new RedisHealthProbe(client).check();
    // Live news of the live event still arrives: its channel is on its own master.
    await bus.publish(liveEvent!, 'capacity', { n: 1 });
    for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual([{ n: 1 }]);
    off();
    subscriber.destroy();

    // The dead node's event: unavailable, never an error of ours.
    expect(await outcome(hold(deadEvent!, newId()))).toBe('unavailable');
    // The live event: a hold whose pointer would go to the dead node is refused as unavailable, and gives
    // its seat back at once (nobody could have bought or released it by its id)...
    for (const [i, holdId] of strandedHoldIds.entries()) expect(await outcome(hold(liveEvent!, seats[i]!, holdId))).toBe('unavailable');
    expect((await store.seatHolds(liveEvent!, seats)).size).toBe(0);
    // ...so the next buyer takes that seat now, not at the stranded hold's TTL.
    for (const [i, holdId] of fineHoldIds.entries()) expect(await outcome(hold(liveEvent!, seats[i]!, holdId))).toBe('held');
    expect([...(await store.seatHolds(liveEvent!, seats)).values()].map((held) => held.holdId).sort()).toEqual([...fineHoldIds].sort());
    expect(await store.get(fineHoldIds[0]!)).toMatchObject({ id: fineHoldIds[0], eventId: liveEvent, seatIds: [seats[0]] });

    await cluster.nodes[dead]!.start();
    let recovered = 'unavailable';
    for (let i = 0; i < 100 && recovered !== 'held'; i++) {
      recovered = await outcome(hold(deadEvent!, newId()));
      if (recovered !== 'held') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).toBe('held');
  }, 60_000);

  it("a join whose session pointer the dead node would keep fails as a 503, and the buyer's retry repairs it", async () => {
    const room = new RedisWaitingRoom(client, PREFIX);
    const dead = 2;
    const [eventId] = await idsOn(dead, (id) => `${PREFIX}queue:{${id}}:waiting`, 1, true);
    const [sessionId] = await idsOn(dead, (id) => `${PREFIX}queue-session:${id}`, 1);
    const join = (session: string) => room.join({ eventId: eventId!, userId: 'dana', sessionId: session, lottery: false, now: new Date(), retainUntil: new Date(Date.now() + 3_600_000) });

    await cluster.nodes[dead]!.stop('SIGKILL');
    await expect(join(sessionId!)).rejects.toBeInstanceOf(DependencyUnavailableError);
    await cluster.nodes[dead]!.start();
    let retried: Awaited<ReturnType<typeof join>> | null = null;
    for (let i = 0; i < 100 && !retried; i++) retried = await join(newId()).catch(() => new Promise((resolve) => setTimeout(() => resolve(null), 100)));
    // The line kept the first join's entry: the retry finds it, and now its pointer and the event's listing.
    expect(retried).toMatchObject({ created: false, entry: { sessionId, position: 1 } });
    expect(await room.eventOf(sessionId!)).toBe(eventId);
    expect(await room.queuedEvents()).toContain(eventId);
  }, 60_000);
});
