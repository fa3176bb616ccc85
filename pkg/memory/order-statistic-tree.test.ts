import { OrderStatisticTree } from './order-statistic-tree';

describe('OrderStatisticTree', () => {
  it('ranks, deletes and pops like a sorted array would', () => {
    const tree = new OrderStatisticTree<number>((a, b) => a - b);
    const model: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const value = Math.floor(Math.random() * 100_000);
      if (model.includes(value)) continue;
      tree.insert(value);
      model.push(value);
      if (i % 7 === 0) {
        const victim = model.splice(Math.floor(Math.random() * model.length), 1)[0]!;
        expect(tree.delete(victim)).toBe(true);
        expect(tree.delete(victim)).toBe(false);
      }
    }
    model.sort((a, b) => a - b);
    expect(tree.size).toBe(model.length);
    for (const [index, value] of model.entries()) {
      expect(tree.rank(value)).toBe(index);
      expect(tree.has(value)).toBe(true);
    }
    expect(tree.rank(-1)).toBe(0);
    expect(tree.rank(1_000_000)).toBe(model.length);
    expect(tree.popMin()).toBe(model[0]);
    expect(tree.min()).toBe(model[1]);
    expect(tree.size).toBe(model.length - 1);
  });
});
