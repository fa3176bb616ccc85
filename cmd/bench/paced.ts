import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { Recorder } from './stats';

export interface PacedOptions {
  url: string;
  /** Keep-alive sockets at most; a request due while all are busy waits for one (and that wait counts). */
  connections: number;
  rate: number;
  seconds: number;
  /** Path and headers of request i. */
  request(i: number): { path: string; headers: Record<string, string> };
}

/**
 * An open-loop paced load: request i is due at start + i / rate whatever happened to the ones before, and
 * its latency counts from that due time, so time spent queued behind a slow answer is measured too (no
 * coordinated omission). autocannon's `overallRate` refills a per-connection quota once a second, which
 * sends each second's requests in bursts and measures the queueing it causes itself.
 */
export async function paced(options: PacedOptions, recorder: Recorder): Promise<void> {
  const pool = new Pool(options.url, { connections: options.connections });
  const total = Math.round(options.rate * options.seconds);
  const start = performance.now() + 10;
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1_000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const { path, headers } = options.request(i);
    // From the due time when sent late (the wait counts), from the send when the timer fired a little early.
    const from = Math.min(due, performance.now());
    pending.push(
      pool.request({ path, method: 'GET', headers }).then(
        async (res) => {
          await res.body.dump();
          recorder.record(res.statusCode, performance.now() - from);
        },
        () => {
          recorder.errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  recorder.finish();
  await pool.close();
}
