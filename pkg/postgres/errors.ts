import { DependencyUnavailableError } from '../../lib/domain/errors';

/** Postgres SQLSTATE of a unique violation. Checked by code: driver error classes differ (pg vs PGlite). */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

export function pgErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgConstraint(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

// Socket errors, pool/connect time-outs, and SQLSTATE classes 08 (connection), 53 (resources),
// 57P (operator intervention: shutdown, cancel on timeout).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isUnavailable(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code && (NETWORK_CODES.has(code) || /^(08|53|57P)/.test(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|query read timeout/i.test(message);
}

/**
 * Runs a database call, turning "database unreachable" into DependencyUnavailableError so callers answer
 * 503 with Retry-After instead of 500. Everything else passes through unchanged.
 */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUnavailable(error)) throw new DependencyUnavailableError('database', error);
    throw error;
  }
}
