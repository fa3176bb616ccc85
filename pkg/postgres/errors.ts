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
// 57P (operator intervention: shutdown), 57014 (statement_timeout: the server cancelled a slow statement).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isUnavailable(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code && (NETWORK_CODES.has(code) || /^(08|53|57P)/.test(code) || code === '57014')) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|Client was closed|query read timeout/i.test(message);
}

/** pg's client-side deadline: the statement may still run, and commit, when the server answers. */
export function isQueryReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/**
 * A statement was sent and no answer came: past its client-side deadline, or the connection broke under
 * it. The server may still apply it. Refused connections, connect time-outs and the server's own
 * cancellation (57014: rolled back) leave no doubt.
 */
function mayHaveApplied(error: unknown): boolean {
  if (isQueryReadTimeout(error)) return true;
  const code = pgErrorCode(error);
  const message = error instanceof Error ? error.message : '';
  // "Client was closed" / "not queryable": a statement after one that timed out or lost the connection on the
  // same client, typically the ROLLBACK Kysely sends after a COMMIT that may be the statement cut off (its
  // error replaces the COMMIT's).
  return code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated unexpectedly|Client was closed|not queryable/i.test(message);
}

/**
 * Runs a database call, turning "database unreachable" into DependencyUnavailableError so callers answer
 * 503 with Retry-After instead of 500. Everything else passes through unchanged.
 */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUnavailable(error)) throw new DependencyUnavailableError('database', error, mayHaveApplied(error));
    throw error;
  }
}
