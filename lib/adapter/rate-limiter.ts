/** Whose allowance a request draws on: the signed-in user's, or the client address's. */
export type RateLimitScope = 'user' | 'ip';

export interface RateLimitPolicy {
  /** Requests allowed per window; 0 turns the scope off. */
  points: number;
  windowSeconds: number;
}

/**
 * Fixed-window request allowances shared by every API process (Redis) or kept in this process (embedded).
 */
export interface RateLimiter {
  /** Takes one request from `key`'s allowance; resolves to the seconds to wait when none is left, else null. */
  consume(scope: RateLimitScope, key: string): Promise<number | null>;
}
export const RateLimiter = Symbol.for('RateLimiter');
