import { newId } from '../domain/id';
import type { Lease } from './lease';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour every Lease must have; run against each implementation. */
export function leaseContract(open: () => Promise<{ lease: Lease; close(): Promise<void> }>): void {
  let lease: Lease;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ lease, close } = await open());
  });
  afterAll(async () => {
    await close?.();
  });

  it('has one holder at a time; the holder renews it', async () => {
    const name = `job-${newId()}`;
    expect(await lease.tryAcquire(name, 'a', 10_000)).toBe(true);
    expect(await lease.tryAcquire(name, 'b', 10_000)).toBe(false);
    expect(await lease.tryAcquire(name, 'a', 10_000)).toBe(true);
  });

  it('releases only for its holder', async () => {
    const name = `job-${newId()}`;
    await lease.tryAcquire(name, 'a', 10_000);
    expect(await lease.release(name, 'b')).toBe(false);
    expect(await lease.tryAcquire(name, 'b', 10_000)).toBe(false);
    expect(await lease.release(name, 'a')).toBe(true);
    expect(await lease.release(name, 'a')).toBe(false);
    expect(await lease.tryAcquire(name, 'b', 10_000)).toBe(true);
  });

  it('lapses after its TTL, so a crashed holder does not block the others forever', async () => {
    const name = `job-${newId()}`;
    expect(await lease.tryAcquire(name, 'a', 50)).toBe(true);
    await pause(120);
    expect(await lease.tryAcquire(name, 'b', 10_000)).toBe(true);
    expect(await lease.release(name, 'a')).toBe(false);
  });

  it('goes to exactly one of many simultaneous contenders', async () => {
    const name = `job-${newId()}`;
    const won = await Promise.all(Array.from({ length: 20 }, (_, i) => lease.tryAcquire(name, `holder-${i}`, 10_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
}
