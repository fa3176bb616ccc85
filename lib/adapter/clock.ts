/** Time source; tests substitute a controllable one. */
export interface Clock {
  now(): Date;
}
export const Clock = Symbol.for('Clock');
