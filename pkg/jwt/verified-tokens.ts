import type { Principal } from '../../lib/domain/principal';

// Enough for every buyer of a large on-sale to stay cached; beyond it the oldest entries are dropped.
const MAX_ENTRIES = 100_000;

/**
 * Tokens already verified, with the principal they carry, until their `exp`. Buyers re-send one token
 * for a whole sale; checking its HMAC once instead of per request is most of auth's cost on the hot path.
 * Only verified tokens enter, keyed by the whole token (signature included), so a hit proves as much as
 * a fresh check did, except expiry, which is checked on every hit.
 */
export class VerifiedTokens {
  // One object per entry besides the key: at 100,000 buyers every major GC walks them all.
  private readonly entries = new Map<string, Principal & { expiresAtMs: number }>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  get(token: string, nowMs: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs > nowMs) return entry;
    this.entries.delete(token);
    return undefined;
  }

  add(token: string, principal: Principal, expiresAtMs: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { userId: principal.userId, role: principal.role, expiresAtMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
