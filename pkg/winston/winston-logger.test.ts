import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// A child process runs the compiled logger (`npm test` builds first, in pretest): it writes to the process's stdout.
function linesOf(script: string): Array<Record<string, unknown>> {
  const compiled = resolve(__dirname, '../../dist/pkg/winston/winston-logger.js');
  expect(existsSync(compiled)).toBe(true);
  const output = execFileSync(process.execPath, ['-e', `const { WinstonLogger } = require(${JSON.stringify(compiled)});\n${script}`], { encoding: 'utf8' });
  return output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('WinstonLogger', () => {
  it('writes one JSON line per call with level, message, timestamp and the fields, at or above its level', () => {
    const lines = linesOf(`
      const logger = new WinstonLogger('info');
      logger.debug('hidden');
      logger.info('request', { request_id: 'r1', status: 201, duration_ms: 1.5 });
      logger.warn('slow', { route: '/api/v1/holds' });`);
    expect(lines).toEqual([
      { level: 'info', message: 'request', request_id: 'r1', status: 201, duration_ms: 1.5, timestamp: expect.any(String) },
      { level: 'warn', message: 'slow', route: '/api/v1/holds', timestamp: expect.any(String) },
    ]);
    expect(Number.isNaN(Date.parse(lines[0]!.timestamp as string))).toBe(false);
  });

  it('still writes a line whose fields JSON.stringify refuses (a cycle, a BigInt)', () => {
    const lines = linesOf(`
      const logger = new WinstonLogger('info');
      const loop = { name: 'loop' };
      loop.self = loop;
      logger.info('cycle', { loop });
      logger.info('big', { count: 12345678901234567890n });`);
    expect(lines).toEqual([
      { level: 'info', message: 'cycle', loop: { name: 'loop', self: '[Circular]' }, timestamp: expect.any(String) },
      { level: 'info', message: 'big', count: expect.anything(), timestamp: expect.any(String) },
    ]);
    expect(String(lines[1]!.count)).toBe('12345678901234567890');
  });
});
