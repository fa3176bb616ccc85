export type LogFields = Record<string, unknown>;

/** Structured logger. Implementations add the current request id to every line. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
export const Logger = Symbol.for('Logger');
