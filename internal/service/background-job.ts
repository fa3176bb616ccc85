/**
 * Periodic work (queue admission, reservation expiry). Every API process runs every job; a job that must
 * run in one process at a time takes its own lease or database lock on each run.
 */
export interface BackgroundJob {
  readonly name: string;
  start(): void;
  /** Stops scheduling and waits for a run in progress to finish. */
  stop(): Promise<void>;
}
export const BackgroundJob = Symbol.for('BackgroundJob');
