/**
 * Gathers the calls made while the event loop is busy with other work and runs them as one: under load,
 * many requests reach the same step in the same turn, and one statement for all of them costs one round
 * trip and one commit instead of one each. A lone call waits only for the next turn of the loop.
 */
export class Batch<T, R = void> {
  private pending: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];

  /**
   * `run` answers one result per item, in order. A failed batch is retried item by item, so that one bad
   * item fails alone, unless `shared(error)` says the failure is everyone's (the database is down).
   */
  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly shared: (error: unknown) => boolean,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const results = await this.run(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => entry.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1 || this.shared(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      await Promise.all(batch.map((entry) => this.run([entry.item]).then((results) => entry.resolve(results[0]!), entry.reject)));
    }
  }
}
