import winston from 'winston';
import type { LogFields, Logger } from '../../lib/adapter/logger';
import { BatchedStdout, BatchedStdoutTransport } from './batched-stdout';

// One per process: every logger of the process writes through it, in order.
let stdout: BatchedStdout | undefined;

/** JSON lines on stdout. Lines about a request (its access line, its failure) carry its `request_id`. */
export class WinstonLogger implements Logger {
  private readonly logger: winston.Logger;

  constructor(level: 'error' | 'warn' | 'info' | 'debug' | 'silent') {
    this.logger = winston.createLogger({
      level: level === 'silent' ? 'error' : level,
      silent: level === 'silent',
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
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
