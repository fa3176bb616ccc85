import { newId } from '../domain/id';
import type { Event } from '../domain/event';
import type { EventRepository } from './event-repository';

export function anEvent(overrides: Partial<Event> = {}): Event {
  const start = new Date(Date.now() + 86_400_000);
  const now = new Date();
  return {
    id: newId(),
    name: 'Contract Event',
    description: null,
    venue: 'Hall',
    startTime: start,
    endTime: new Date(start.getTime() + 3_600_000),
    isSeatedEvent: true,
    totalTickets: null,
    saleStartsAt: null,
    saleEndsAt: null,
    queue: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** The behaviour every EventRepository must have; run against each implementation. */
export function eventRepositoryContract(open: () => Promise<{ repository: EventRepository; close(): Promise<void> }>): void {
  let repository: EventRepository;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ repository, close } = await open());
  });
  afterAll(async () => {
    await close?.();
  });

  it('stores and reads back every field', async () => {
    const event = anEvent({
      description: 'd',
      isSeatedEvent: false,
      totalTickets: 40,
      saleStartsAt: new Date('2030-01-01T00:00:00.000Z'),
      queue: { enabled: true, admitPerMinute: 5, maxActiveSessions: 7, sessionTtlSeconds: 60 },
    });
    await repository.create(event);
    expect(await repository.findById(event.id)).toEqual(event);
  });

  it('returns null for an unknown id', async () => {
    expect(await repository.findById(newId())).toBeNull();
  });

  it('lists events that have not ended at the given time', async () => {
    const now = new Date();
    const ended = anEvent({ startTime: new Date(now.getTime() - 7_200_000), endTime: new Date(now.getTime() - 1) });
    const running = anEvent({ startTime: new Date(now.getTime() - 7_200_000), endTime: new Date(now.getTime() + 60_000) });
    await repository.create(ended);
    await repository.create(running);
    const ids = (await repository.listActive(now)).map((e) => e.id);
    expect(ids).toContain(running.id);
    expect(ids).not.toContain(ended.id);
  });

  it('updates an existing event and reports a missing one', async () => {
    const event = anEvent();
    await repository.create(event);
    const changed = { ...event, name: 'Changed', queue: null, updatedAt: new Date() };
    expect(await repository.update(changed)).toBe(true);
    expect((await repository.findById(event.id))?.name).toBe('Changed');
    expect(await repository.update(anEvent())).toBe(false);
  });

  it('deletes once', async () => {
    const event = anEvent();
    await repository.create(event);
    expect(await repository.delete(event.id)).toBe(true);
    expect(await repository.delete(event.id)).toBe(false);
    expect(await repository.findById(event.id)).toBeNull();
  });
}
