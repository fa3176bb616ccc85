import winston from 'winston';
import type { LogFields, Logger } from '../../lib/adapter/logger';
import { BatchedStdout, BatchedStdoutTransport } from './batched-stdout';

// One per process: every logger of the process writes through it, in order.
let stdout: BatchedStdout | undefined;

// winston's key for the formatted line (triple-beam's MESSAGE).
const MESSAGE = Symbol.for('message');
const safeJson = winston.format.json();

// format.json() runs safe-stable-stringify (sorted keys, cycle-safe) on every line: an access line cost 9.7-10.2
// µs of CPU with it and 3.8-3.9 with JSON.stringify (cmd/bench/hot-path.ts), and there is one per request. Our lines are flat
// strings and numbers, so JSON.stringify serves them; what it refuses (a cycle, a BigInt) still goes
// through format.json().
const jsonLine = winston.format((info) => {
  try {
    (info as unknown as Record<symbol, string>)[MESSAGE] = JSON.stringify(info);
    return info;
  } catch {
    return safeJson.transform(info, safeJson.options);
  }
});

/** JSON lines on stdout. Lines about a request (its access line, its failure) carry its `request_id`. */
export class WinstonLogger implements Logger {
  private readonly logger: winston.Logger;

  constructor(level: 'error' | 'warn' | 'info' | 'debug' | 'silent') {
    this.logger = winston.createLogger({
      level: level === 'silent' ? 'error' : level,
      silent: level === 'silent',
      format: winston.format.combine(winston.format.timestamp(), jsonLine()),
      transports: [new BatchedStdoutTransport((stdout ??= new BatchedStdout()))],
    });
  }

  private write(level: string, message: string, fields?: LogFields): void {
    this.logger.log(level, message, fields);
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }
}
