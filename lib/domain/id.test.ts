import { newId, isUuid } from './id';

describe('newId', () => {
  it('makes distinct version-7 ids in strictly increasing order, many per millisecond', () => {
    const ids = Array.from({ length: 100_000 }, newId);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! < ids[i]!)) throw new Error(`out of order at ${i}: ${ids[i - 1]} >= ${ids[i]}`);
    expect(ids.every((id) => isUuid(id) && id[14] === '7' && /^[89ab]$/.test(id[19]!))).toBe(true);
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const msecs = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(msecs).toBeGreaterThanOrEqual(before);
    expect(msecs).toBeLessThanOrEqual(Date.now() + 1);
  });
});
