/** Orders keys; negative when a sorts before b. */
export type Compare<K> = (a: K, b: K) => number;

interface Node<K> {
  key: K;
  priority: number;
  size: number;
  left: Node<K> | null;
  right: Node<K> | null;
}

const sizeOf = <K>(node: Node<K> | null): number => (node ? node.size : 0);

function update<K>(node: Node<K>): Node<K> {
  node.size = 1 + sizeOf(node.left) + sizeOf(node.right);
  return node;
}

/**
 * A treap whose nodes count their subtree: insert, delete and rank are O(log n) expected, so the
 * in-process waiting room answers "what is my position" at 100,000 waiting as cheaply as Redis's ZRANK,
 * and random (lottery) insertions in the middle cost the same as appends.
 */
export class OrderStatisticTree<K> {
  private root: Node<K> | null = null;

  constructor(private readonly compare: Compare<K>) {}

  get size(): number {
    return sizeOf(this.root);
  }

  insert(key: K): void {
    const [left, right] = this.split(this.root, key);
    const node: Node<K> = { key, priority: Math.random(), size: 1, left: null, right: null };
    this.root = this.merge(this.merge(left, node), right);
  }

  /** Removes the key; false when it was not there. */
  delete(key: K): boolean {
    const before = this.size;
    this.root = this.remove(this.root, key);
    return this.size < before;
  }

  /** How many keys sort before `key` (its 0-based index when present). */
  rank(key: K): number {
    let node = this.root;
    let rank = 0;
    while (node) {
      const order = this.compare(key, node.key);
      if (order <= 0) {
        node = node.left;
      } else {
        rank += sizeOf(node.left) + 1;
        node = node.right;
      }
    }
    return rank;
  }

  has(key: K): boolean {
    let node = this.root;
    while (node) {
      const order = this.compare(key, node.key);
      if (order === 0) return true;
      node = order < 0 ? node.left : node.right;
    }
    return false;
  }

  min(): K | undefined {
    let node = this.root;
    while (node?.left) node = node.left;
    return node?.key;
  }

  /** Removes and returns the smallest key. */
  popMin(): K | undefined {
    const key = this.min();
    if (key !== undefined) this.delete(key);
    return key;
  }

  /** Keys strictly before `key` go left, the rest right. */
  private split(node: Node<K> | null, key: K): [Node<K> | null, Node<K> | null] {
    if (!node) return [null, null];
    if (this.compare(node.key, key) < 0) {
      const [left, right] = this.split(node.right, key);
      node.right = left;
      return [update(node), right];
    }
    const [left, right] = this.split(node.left, key);
    node.left = right;
    return [left, update(node)];
  }

  private merge(left: Node<K> | null, right: Node<K> | null): Node<K> | null {
    if (!left) return right;
    if (!right) return left;
    if (left.priority > right.priority) {
      left.right = this.merge(left.right, right);
      return update(left);
    }
    right.left = this.merge(left, right.left);
    return update(right);
  }

  private remove(node: Node<K> | null, key: K): Node<K> | null {
    if (!node) return null;
    const order = this.compare(key, node.key);
    if (order === 0) return this.merge(node.left, node.right);
    if (order < 0) node.left = this.remove(node.left, key);
    else node.right = this.remove(node.right, key);
    return update(node);
  }
}
