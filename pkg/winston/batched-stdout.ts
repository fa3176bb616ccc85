import Transport from 'winston-transport';

// winston's key for the formatted line (triple-beam's MESSAGE).
const MESSAGE = Symbol.for('message');

/**
 * stdout for log lines, written once per event-loop turn instead of once per line. Writes to a file or a
 * pipe are synchronous in Node on Linux, so a line per request was a system call per request on the hot
 * path. Lines still leave in order, within the turn that made them; what is pending when the process
 * exits is written by the 'exit' handler, so a clean or crashing exit loses nothing (SIGKILL can lose one
 * turn's lines).
 */
export class BatchedStdout {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly out: { write(text: string): unknown } = process.stdout) {
    process.on('exit', () => this.flush());
  }

  write(line: string): void {
    this.pending.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.out.write(text);
  }
}

/** A winston transport (winston's documented way: extend winston-transport) onto BatchedStdout. */
export class BatchedStdoutTransport extends Transport {
  constructor(private readonly out: BatchedStdout) {
    super();
  }

  override log(info: Record<symbol, unknown>, next: () => void): void {
    this.out.write(`${String(info[MESSAGE])}\n`);
    next();
  }
}
