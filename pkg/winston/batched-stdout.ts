import { Writable } from 'node:stream';

/**
 * stdout for log lines, written once per event-loop turn instead of once per line. Writes to a file or a
 * pipe are synchronous in Node on Linux, so a line per request was a system call per request on the hot
 * path. Lines still leave in order, within the turn that made them; what is pending when the process
 * exits is written by the 'exit' handler, so a clean or crashing exit loses nothing (SIGKILL can lose one
 * turn's lines).
 */
export class BatchedStdout extends Writable {
  private pending: string[] = [];
  private scheduled = false;
  private readonly flushOnExit = () => this.flush();

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    super({ decodeStrings: false, objectMode: false });
    process.on('exit', this.flushOnExit);
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.pending.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.flush();
    process.off('exit', this.flushOnExit);
    done();
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.out.write(text);
  }
}
