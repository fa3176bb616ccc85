import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadReply, LoadSpec } from './load-spec';
import type { Mark, PhaseResult } from './stats';

/**
 * Heap settings of every server the bench starts: the API as `npm start` and the Dockerfile run it, and the
 * two reference servers alike, so no side wins on GC tuning alone.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

export interface Started {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then wait for the exit (a CPU profile is written on the way out). */
  stop(): Promise<number | null>;
}

/**
 * Starts `node <script>` as its own process and resolves once it logs `"message":"listening"` with its
 * `port` (the API's JSON log line; the bench servers print the same). Its output goes to `logFile`, not a
 * pipe: the API writes one access line per request, and reading tens of thousands of lines a second here
 * would take CPU from the very machine being measured.
 */
export async function startProcess(script: string, env: Record<string, string>, logFile: string, nodeFlags: string[] = []): Promise<Started> {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeFlags, script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = readFileSync(logFile, 'utf8')
      .split('\n')
      .find((text) => text.includes('"message":"listening"'));
    if (line) {
      const port = (JSON.parse(line) as { port: number }).port;
      return {
        url: `http://127.0.0.1:${port}`,
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      };
    }
    if (exitCode !== undefined || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`${script} ${exitCode !== undefined ? `exited with ${exitCode}` : 'did not start in 60 s'} before listening:\n${tail}`);
    }
    await sleep(50);
  }
}

/**
 * Runs one phase in a fresh load-generator process and returns what it measured. `onMark` hears when each
 * measured interval starts and ends (to sample CPU counters then), with the load process's pid.
 */
export function runLoad(workerScript: string, spec: LoadSpec, onMark?: (mark: Mark, loadPid: number) => void): Promise<PhaseResult[]> {
  return new Promise((resolve, reject) => {
    const child = fork(workerScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply: LoadReply | undefined;
    child.on('message', (message: LoadReply | Mark) => {
      if ('mark' in message) onMark?.(message, child.pid!);
      else reply = message;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!reply) return reject(new Error(`load generator exited with ${code} without a result`));
      if (!reply.ok) return reject(new Error(`load generator failed: ${reply.error}`));
      resolve(reply.results);
    });
    child.send(spec);
  });
}
