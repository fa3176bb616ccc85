import type { WireRequest } from './send';

/**
 * Open defects the hostile-input test has found in code this test's authors may not change. A matching
 * case may answer 5xx without failing the run; every other check still applies to it, the run prints how
 * often each matched, and test/hostile-input.regressions.test.ts pins each one with `it.failing`, which
 * turns red the day it is fixed — then delete the entry here and the `.failing` there.
 */
export interface KnownDefect {
  id: string;
  description: string;
  matches(request: WireRequest): boolean;
}

export const KNOWN_DEFECTS: KnownDefect[] = [];

export function knownDefect(request: WireRequest): KnownDefect | undefined {
  return KNOWN_DEFECTS.find((defect) => defect.matches(request));
}
