/** Outcome of a hold request or what ended a hold. */
export type HoldMetric = 'created' | 'seats_taken' | 'capacity_exhausted' | 'user_limit' | 'released' | 'extended';

/**
 * What the service counts for operators. Route labels are patterns (`/api/v1/events/:id`), never raw ids,
 * so the number of series stays bounded.
 */
export interface Metrics {
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  hold(outcome: HoldMetric, count?: number): void;
  /** A ticket entered `status` (reserved, sold, cancelled, expired). */
  ticket(status: string, count?: number): void;
  queueJoined(): void;
  queueAdmitted(count: number): void;
  /** Live stream connections opened (+1) or closed (-1) in this process. */
  streamClients(delta: number): void;
  /** The exposition in the Prometheus text format. */
  render(): Promise<{ contentType: string; body: string }>;
}
export const Metrics = Symbol.for('Metrics');
