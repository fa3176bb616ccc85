import { newId } from '../domain/id';
import type { BusMessage, EventBus } from './event-bus';

type Factory = (options: { historyLength: number }) => Promise<{ buses: [EventBus, EventBus]; close(): Promise<void> }>;

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/**
 * The behaviour every EventBus must have. The factory returns two buses that stand for two API
 * processes sharing one backbone (for the in-process bus: the same instance twice).
 */
export function eventBusContract(open: Factory): void {
  let buses: [EventBus, EventBus];
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ buses, close } = await open({ historyLength: 5 }));
  });
  afterAll(async () => {
    await close?.();
  });

  it('delivers a message to subscribers of that event on every bus, with increasing ids', async () => {
    const eventId = newId();
    const received: BusMessage[] = [];
    const other: BusMessage[] = [];
    const off = await buses[1].subscribe(eventId, (_, m) => received.push(m));
    const offOther = await buses[1].subscribe(newId(), (_, m) => other.push(m));
    await buses[0].publish(eventId, 'seat', { seat_id: 's1', status: 'held' });
    await buses[0].publish(eventId, 'seat', { seat_id: 's1', status: 'available' });
    await settle();
    off();
    offOther();
    expect(received.map((m) => m.data)).toEqual([
      { seat_id: 's1', status: 'held' },
      { seat_id: 's1', status: 'available' },
    ]);
    expect(received[1]!.id).toBeGreaterThan(received[0]!.id);
    expect(other).toEqual([]);
  });

  it('stops delivering after unsubscribe', async () => {
    const eventId = newId();
    const received: BusMessage[] = [];
    const off = await buses[0].subscribe(eventId, (_, m) => received.push(m));
    off();
    await buses[1].publish(eventId, 'capacity', {});
    await settle();
    expect(received).toEqual([]);
  });

  it('keeps delivering to a listener that subscribed while the last other one left, and to one that came back', async () => {
    const eventId = newId();
    const received: string[] = [];
    const leaving = await buses[1].subscribe(eventId, () => {});
    const joining = buses[1].subscribe(eventId, (_, m) => received.push(`joined ${String(m.data.n)}`));
    leaving();
    const offJoined = await joining;
    await buses[0].publish(eventId, 'capacity', { n: 1 });
    await settle();
    offJoined();
    const offAgain = await buses[1].subscribe(eventId, (_, m) => received.push(`again ${String(m.data.n)}`));
    await buses[0].publish(eventId, 'capacity', { n: 2 });
    await settle();
    offAgain();
    expect(received).toEqual(['joined 1', 'again 2']);
  });

  it('replays retained history after an id, and reports a gap once it was trimmed', async () => {
    const eventId = newId();
    for (let i = 1; i <= 3; i += 1) await buses[0].publish(eventId, 'seat', { n: i });
    const all = await buses[1].since(eventId, 0);
    expect(all?.map((m) => m.data.n)).toEqual([1, 2, 3]);
    const after = await buses[1].since(eventId, all![0]!.id);
    expect(after?.map((m) => m.data.n)).toEqual([2, 3]);
    expect(await buses[1].since(eventId, all![2]!.id)).toEqual([]);
    for (let i = 4; i <= 9; i += 1) await buses[0].publish(eventId, 'seat', { n: i });
    expect(await buses[1].since(eventId, all![0]!.id)).toBeNull();
    expect((await buses[1].since(eventId, all![2]!.id + 3))?.map((m) => m.data.n)).toEqual([7, 8, 9]);
  });

  it('keeps order and consecutive ids for many messages published at once, live and in history', async () => {
    const eventId = newId();
    const received: BusMessage[] = [];
    const off = await buses[1].subscribe(eventId, (_, m) => received.push(m));
    await Promise.all(Array.from({ length: 250 }, (_, n) => buses[n % 2].publish(eventId, n % 3 === 0 ? 'capacity' : 'seat', { n })));
    const deadline = Date.now() + 5_000;
    while (received.length < 250 && Date.now() < deadline) await settle();
    off();
    const ids = received.map((m) => m.id);
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => ids[0]! + i));
    // Per publisher, in the order it published (two processes interleave as they reach the backbone).
    for (const parity of [0, 1]) {
      const mine = received.map((m) => m.data.n as number).filter((n) => n % 2 === parity);
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    expect(received.find((m) => m.data.n === 3)?.type).toBe('capacity');
    const retained = await buses[0].since(eventId, ids[0]! + 244);
    expect(retained?.map((m) => [m.id, m.data.n])).toEqual(received.slice(245).map((m) => [m.id, m.data.n]));
  });

  it('keeps ids of different events independent', async () => {
    const a = newId();
    const b = newId();
    await buses[0].publish(a, 'seat', {});
    await buses[0].publish(a, 'seat', {});
    await buses[0].publish(b, 'seat', {});
    expect((await buses[0].since(b, 0))?.map((m) => m.id)).toEqual([1]);
  });
}
