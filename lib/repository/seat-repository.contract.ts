import { ConflictError } from '../domain/errors';
import { newId } from '../domain/id';
import type { SeatDraft } from '../domain/seat';
import type { EventRepository } from './event-repository';
import { anEvent } from './event-repository.contract';
import type { SeatRepository } from './seat-repository';

const seat = (row: string, number: string): SeatDraft => ({ section: 'A', row, number, priceCents: 100, category: null });

/** The behaviour every SeatRepository must have; run against each implementation. */
export function seatRepositoryContract(
  open: () => Promise<{ seats: SeatRepository; events: EventRepository; close(): Promise<void> }>,
): void {
  let seats: SeatRepository;
  let events: EventRepository;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ seats, events, close } = await open());
  });
  afterAll(async () => {
    await close?.();
  });

  async function eventWithSeats(count: number): Promise<string> {
    const event = anEvent();
    await events.create(event);
    await seats.addMany(event.id, Array.from({ length: count }, (_, i) => seat('1', String(i + 1))));
    return event.id;
  }

  it('adds seats and pages through them in insertion order', async () => {
    const eventId = await eventWithSeats(5);
    const first = await seats.list(eventId, { limit: 2, cursor: null });
    expect(first.items.map((s) => s.number)).toEqual(['1', '2']);
    const second = await seats.list(eventId, { limit: 10, cursor: first.nextCursor });
    expect(second.items.map((s) => s.number)).toEqual(['3', '4', '5']);
    expect(second.nextCursor).toBeNull();
  });

  it('is all-or-nothing on a duplicate seat', async () => {
    const eventId = await eventWithSeats(1);
    await expect(seats.addMany(eventId, [seat('2', '1'), seat('1', '1')])).rejects.toBeInstanceOf(ConflictError);
    expect((await seats.list(eventId, { limit: 10, cursor: null })).items).toHaveLength(1);
  });

  it('finds seats of one event only', async () => {
    const eventId = await eventWithSeats(2);
    const otherId = await eventWithSeats(1);
    const [a, b] = (await seats.list(eventId, { limit: 10, cursor: null })).items;
    const [other] = (await seats.list(otherId, { limit: 10, cursor: null })).items;
    expect(await seats.findById(eventId, a!.id)).toEqual(a);
    expect(await seats.findById(otherId, a!.id)).toBeNull();
    const found = await seats.findMany(eventId, [a!.id, b!.id, other!.id, newId()]);
    expect(found.map((s) => s.id).sort()).toEqual([a!.id, b!.id].sort());
  });

  it('lists the stored status of every seat of one event', async () => {
    const eventId = await eventWithSeats(3);
    const otherId = await eventWithSeats(1);
    const ids = (await seats.list(eventId, { limit: 10, cursor: null })).items.map((s) => s.id);
    const statuses = await seats.statuses(eventId);
    expect([...statuses.keys()].sort()).toEqual([...ids].sort());
    expect(new Set(statuses.values())).toEqual(new Set(['available']));
    expect((await seats.statuses(otherId)).size).toBe(1);
    expect((await seats.statuses(newId())).size).toBe(0);
  });

  it('counts seats by stored status', async () => {
    const eventId = await eventWithSeats(3);
    expect(await seats.countByStatus(eventId)).toEqual({ available: 3, reserved: 0, sold: 0 });
    expect(await seats.countByStatus(newId())).toEqual({ available: 0, reserved: 0, sold: 0 });
  });

  it('filters the list by status', async () => {
    const eventId = await eventWithSeats(2);
    expect((await seats.list(eventId, { limit: 10, cursor: null }, 'available')).items).toHaveLength(2);
    expect((await seats.list(eventId, { limit: 10, cursor: null }, 'sold')).items).toHaveLength(0);
  });
}
