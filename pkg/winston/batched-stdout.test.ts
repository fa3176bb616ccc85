import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { BatchedStdout } from './batched-stdout';

describe('BatchedStdout', () => {
  it('writes the lines of one event-loop turn in one write, in order', async () => {
    const out = new PassThrough();
    const writes: string[] = [];
    out.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
    const stream = new BatchedStdout({ write: (text: string) => out.write(text) });
    stream.write('a\n');
    stream.write('b\n');
    stream.write('c\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('d\n');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('loses nothing when the process exits in the same turn as it logged', () => {
    // A child process runs the compiled module (`npm test` builds first, in pretest).
    const compiled = resolve(__dirname, '../../dist/pkg/winston/batched-stdout.js');
    expect(existsSync(compiled)).toBe(true);
    const script = `
      const { BatchedStdout } = require(${JSON.stringify(compiled)});
      const out = new BatchedStdout();
      for (let i = 0; i < 1000; i++) out.write('line ' + i + '\\n');
      process.exit(0);`;
    const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(output.trim().split('\n')).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${i}`));
  });
});
