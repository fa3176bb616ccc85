import { Batch } from './batch';

describe('Batch', () => {
  it('runs the calls of one turn of the event loop together, answering each its own result', async () => {
    const runs: number[][] = [];
    const batch = new Batch<number, number>(async (items) => {
      runs.push(items);
      return items.map((n) => n * 10);
    }, () => false);
    expect(await Promise.all([batch.add(1), batch.add(2), batch.add(3)])).toEqual([10, 20, 30]);
    expect(await batch.add(4)).toBe(40);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('retries a failed batch item by item, so that only the bad item fails', async () => {
    const runs: number[][] = [];
    const batch = new Batch<number, number>(async (items) => {
      runs.push(items);
      if (items.includes(2)) throw new Error('bad item');
      return items;
    }, () => false);
    const results = await Promise.allSettled([batch.add(1), batch.add(2), batch.add(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(runs).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('fails everyone at once, without retries, when the failure is shared', async () => {
    let runs = 0;
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const batch = new Batch<number>(async () => {
      runs++;
      throw down;
    }, (error) => error === down);
    const results = await Promise.allSettled([batch.add(1), batch.add(2)]);
    expect(results).toEqual([{ status: 'rejected', reason: down }, { status: 'rejected', reason: down }]);
    expect(runs).toBe(1);
  });
});
