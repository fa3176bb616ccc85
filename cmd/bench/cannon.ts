import { signToken } from '../../pkg/jwt/sign-token';
import { Recorder } from './stats';
import type { Users } from './load-spec';

// autocannon ships no type declarations; this is the slice of its programmatic API the bench uses.
interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest, context: Record<string, unknown>) => CannonRequest | null;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
export interface CannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  /** Requests per second over all connections (an open, paced load instead of as-fast-as-possible). */
  overallRate?: number;
  requests: CannonRequest[];
}
interface CannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
}
type Autocannon = (options: CannonOptions & { timeout: number }, done: (error: Error | null, result: { timeouts: number }) => void) => CannonInstance;
const autocannon = require('autocannon') as Autocannon;

/** Runs autocannon, recording every response (any status) and every error into `recorder`. */
export function cannon(options: CannonOptions, recorder: Recorder): Promise<void> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, timeout: 30 }, (error, result) => {
      recorder.finish();
      if (error) return reject(error);
      // A time-out is also reported as a reqError; keep it in `timeouts` only.
      recorder.timeouts = result.timeouts;
      recorder.errors -= result.timeouts;
      resolve();
    });
    instance.on('response', (_client, status, _bytes, ms) => recorder.record(status, ms));
    instance.on('reqError', () => recorder.errors++);
  });
}

/**
 * Signs every user's token before anything is measured (HS256 through the product's own signToken), in
 * batches so 100,000 signatures do not hold 100,000 pending promises at once.
 */
export async function signUsers(secret: string, users: Users): Promise<string[]> {
  const tokens: string[] = [];
  for (let from = 0; from < users.count; from += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, users.count - from) }, (_, i) =>
      signToken(secret, { userId: `${users.prefix}${from + i}`, role: 'user' }, 6 * 3600),
    );
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}

export const jsonHeaders = (token: string): Record<string, string> => ({
  'content-type': 'application/json',
  authorization: `Bearer ${token}`,
});
