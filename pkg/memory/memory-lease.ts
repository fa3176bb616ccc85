import type { Lease } from '../../lib/adapter/lease';

/** Lease within one process (embedded mode runs a single API process, so this is all it needs). */
export class MemoryLease implements Lease {
  private readonly leases = new Map<string, { holder: string; expiresAt: number }>();

  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const current = this.leases.get(name);
    if (current && current.holder !== holder && current.expiresAt > now) return false;
    this.leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async release(name: string, holder: string): Promise<boolean> {
    const current = this.leases.get(name);
    if (!current || current.holder !== holder || current.expiresAt <= Date.now()) return false;
    this.leases.delete(name);
    return true;
  }
}
