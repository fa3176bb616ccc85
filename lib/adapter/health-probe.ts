/** One dependency's liveness check, reported by /health under `name`. */
export interface HealthProbe {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (quickly, never hangs) when it does not. */
  check(): Promise<void>;
}
export const HealthProbe = Symbol.for('HealthProbe');
