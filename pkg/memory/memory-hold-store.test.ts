import type { Clock } from '../../lib/adapter/clock';
import { holdStoreContract } from '../../lib/adapter/hold-store.contract';
import { newId } from '../../lib/domain/id';
import { MemoryHoldStore } from './memory-hold-store';

class FakeClock implements Clock {
  private ms = Date.parse('2030-01-01T00:00:00Z');
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

describe('MemoryHoldStore', () => {
  describe('HoldStore contract', () => {
    holdStoreContract(async () => {
      const clock = new FakeClock();
      return { store: new MemoryHoldStore(clock), elapse: async (ms) => clock.advance(ms), close: async () => {} };
    });
  });

  it('expires by the injected clock to the millisecond, not by wall time', async () => {
    const clock = new FakeClock();
    const store = new MemoryHoldStore(clock);
    const outcome = await store.holdQuantity({ holdId: newId(), eventId: newId(), userId: 'u', quantity: 1, capacity: 1, ttlMs: 1_000, maxPerUser: 1 });
    if (!outcome.ok) throw new Error('expected a hold');
    clock.advance(999);
    expect(await store.get(outcome.hold.id)).not.toBeNull();
    clock.advance(1);
    expect(await store.get(outcome.hold.id)).toBeNull();
  });
});

describe('MemoryHoldStore indexes', () => {
  it('keeps counts right when the only hold of an event lapses during the next request', async () => {
    let now = Date.now();
    const store = new MemoryHoldStore({ now: () => new Date(now) });
    const request = (holdId: string, seatIds: string[]) => ({ holdId, eventId: 'e', userId: 'u', seatIds, ttlMs: 1_000, maxPerUser: 2 });
    expect((await store.holdSeats(request('h1', ['a', 'b']))).ok).toBe(true);
    now += 1_001;
    expect((await store.holdSeats(request('h2', ['a', 'b']))).ok).toBe(true);
    expect(await store.heldCount('e')).toBe(2);
    expect((await store.holdSeats(request('h3', ['c']))).ok).toBe(false);
    expect(await store.release('h2')).not.toBeNull();
    expect(await store.heldCount('e')).toBe(0);
    expect(await store.takeExpired('e')).toEqual({ seatIds: ['a', 'b'], places: 0 });
  });
});
