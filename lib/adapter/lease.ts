/**
 * A named, expiring, owner-checked lease: at most one holder at a time across every API process, used to
 * let exactly one process run a periodic job. It is an efficiency device, not the safety net: work done
 * under it must stay correct if two holders overlap (a holder paused past the TTL), e.g. by enforcing
 * limits inside one atomic store operation.
 */
export interface Lease {
  /**
   * Takes the lease, or renews it when `holder` already has it, for `ttlMs`. False while another holder
   * has an unexpired lease.
   */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` still has it; never releases someone else's. */
  release(name: string, holder: string): Promise<boolean>;
}
export const Lease = Symbol.for('Lease');
