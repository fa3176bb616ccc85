import { randomUUID } from 'node:crypto';
import type { RateLimitPolicy, RateLimiter, RateLimitScope } from './rate-limiter';

type Factory = (policies: Record<RateLimitScope, RateLimitPolicy>) => Promise<{ limiter: RateLimiter; close(): Promise<void> }>;

/** The behaviour every RateLimiter must have; run against each implementation. */
export function rateLimiterContract(open: Factory): void {
  const opened: Array<() => Promise<void>> = [];
  const make = async (policies: Record<RateLimitScope, RateLimitPolicy>) => {
    const { limiter, close } = await open(policies);
    opened.push(close);
    return limiter;
  };
  afterAll(async () => {
    for (const close of opened) await close();
  });

  it('allows the policy points per window, then names the wait', async () => {
    const limiter = await make({ user: { points: 3, windowSeconds: 30 }, ip: { points: 0, windowSeconds: 30 } });
    const key = randomUUID();
    for (let i = 0; i < 3; i += 1) expect(await limiter.consume('user', key)).toBeNull();
    const wait = await limiter.consume('user', key);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);
  });

  it('keeps keys and scopes apart', async () => {
    const limiter = await make({ user: { points: 1, windowSeconds: 30 }, ip: { points: 1, windowSeconds: 30 } });
    const key = randomUUID();
    expect(await limiter.consume('user', key)).toBeNull();
    expect(await limiter.consume('ip', key)).toBeNull();
    expect(await limiter.consume('user', randomUUID())).toBeNull();
    expect(await limiter.consume('user', key)).not.toBeNull();
  });

  it('never limits a scope whose policy has 0 points', async () => {
    const limiter = await make({ user: { points: 0, windowSeconds: 30 }, ip: { points: 1, windowSeconds: 30 } });
    const key = randomUUID();
    for (let i = 0; i < 20; i += 1) expect(await limiter.consume('user', key)).toBeNull();
  });

  it('counts concurrent requests exactly', async () => {
    const limiter = await make({ user: { points: 10, windowSeconds: 30 }, ip: { points: 0, windowSeconds: 30 } });
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.consume('user', key)));
    expect(results.filter((r) => r === null)).toHaveLength(10);
  });

  it('refills after the window', async () => {
    const limiter = await make({ user: { points: 1, windowSeconds: 1 }, ip: { points: 0, windowSeconds: 1 } });
    const key = randomUUID();
    expect(await limiter.consume('user', key)).toBeNull();
    expect(await limiter.consume('user', key)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await limiter.consume('user', key)).toBeNull();
  });
}
