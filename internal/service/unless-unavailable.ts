import { DependencyUnavailableError } from '../../lib/domain/errors';

/**
 * For reads that can answer without a dependency: `fallback` when it is unavailable. Writes never use
 * this; they fail with 503 (and, when the error says its outcome is unknown, may still be applied).
 */
export async function unlessUnavailable<T, F>(read: () => Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof DependencyUnavailableError) return fallback;
    throw error;
  }
}
