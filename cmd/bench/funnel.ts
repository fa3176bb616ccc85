import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { jsonHeaders, signUsers } from './cannon';
import type { FunnelSpec } from './load-spec';
import { Recorder, type PhaseResult } from './stats';

/**
 * purchase-funnel: hold -> purchase -> confirm, one ticket per pass, `connections` buyers at a time, until
 * every seat and every standing place is sold. autocannon cannot do this (each step needs the id the
 * previous one returned, and a failed step must put its seat back), so it is a loop per connection over an
 * undici pool (about a quarter less client CPU per request than node:http's agent, on a box the client
 * shares with the server).
 */
type Task = { seatId: string } | { standing: true };
interface Reply {
  status: number;
  body: string;
}

export async function runFunnel(spec: FunnelSpec): Promise<PhaseResult> {
  const tokens = await signUsers(spec.jwtSecret, spec.users);
  const pool = new Pool(spec.url, { connections: spec.connections });
  const all = new Recorder('purchase-funnel', true);
  // Per step and per kind: standing purchases count the event's live tickets, so they may slow as it fills.
  const stepNames = ['hold', 'purchase', 'confirm'].flatMap((step) => [`${step} seated`, `${step} standing`]);
  const steps = Object.fromEntries(stepNames.map((name) => [name, new Recorder(name)]));
  let errors = 0;

  const call = async (step: string, path: string, token: string, body: string, key?: string): Promise<Reply> => {
    const started = performance.now();
    const headers = { ...jsonHeaders(token), ...(key ? { 'idempotency-key': key } : {}) };
    try {
      const res = await pool.request({ path, method: 'POST', headers, body });
      const text = await res.body.text();
      const ms = performance.now() - started;
      all.record(res.statusCode, ms);
      steps[step]!.record(res.statusCode, ms);
      return { status: res.statusCode, body: text };
    } catch {
      // A connection error is not an answer: count it and let the pass fail (the task is retried).
      errors++;
      return { status: 0, body: '' };
    }
  };

  // Seated and standing interleaved, so both events sell out together and both code paths stay hot.
  const tasks: Task[] = [];
  for (let i = 0; i < Math.max(spec.seatIds.length, spec.capacity); i++) {
    if (i < spec.seatIds.length) tasks.push({ seatId: spec.seatIds[i]! });
    if (i < spec.capacity) tasks.push({ standing: true });
  }
  tasks.reverse(); // pop() from the end, in the order built above
  const total = tasks.length;
  let nextUser = 0;
  let inFlight = 0;
  let reserved = 0;
  let confirmed = 0;
  let unconfirmed = 0;
  let lastReservedAt = 0;
  let lastConfirmedAt = 0;
  const started = performance.now();
  const deadline = started + spec.maxSeconds * 1000;

  /** One pass through the funnel; false puts the task back (its seat or place is still for sale). */
  const attempt = async (task: Task, token: string): Promise<boolean> => {
    const what = 'seatId' in task ? `"event_id":"${spec.seatedEventId}","seat_ids":["${task.seatId}"]` : `"event_id":"${spec.standingEventId}","quantity":1`;
    const kind = 'seatId' in task ? 'seated' : 'standing';
    const held = await call(`hold ${kind}`, '/api/v1/holds', token, `{${what},"ttl_seconds":60}`);
    if (held.status !== 201) return false;
    const holdId = (JSON.parse(held.body) as { id: string }).id;
    const bought = await call(`purchase ${kind}`, '/api/v1/tickets/purchase', token, `{"hold_id":"${holdId}"}`, randomUUID());
    if (bought.status !== 201) return false; // the hold stays until its TTL; a retry takes a new one
    reserved++;
    lastReservedAt = performance.now();
    const ticketId = (JSON.parse(bought.body) as { tickets: Array<{ id: string }> }).tickets[0]!.id;
    // The ticket is reserved now, so the seat is not for sale again: retry the confirm (same key) instead.
    const key = randomUUID();
    for (let i = 0; i < 3; i++) {
      const done = await call(`confirm ${kind}`, `/api/v1/tickets/${ticketId}/confirm`, token, '{}', key);
      if (done.status === 200) {
        confirmed++;
        lastConfirmedAt = performance.now();
        return true;
      }
      await sleep(50);
    }
    unconfirmed++;
    return true;
  };

  const buyer = async () => {
    while (performance.now() < deadline) {
      const task = tasks.pop();
      if (!task) {
        if (inFlight === 0) return; // sold out: nothing left and nothing that could come back
        await sleep(5);
        continue;
      }
      inFlight++;
      const token = tokens[nextUser++ % tokens.length]!;
      const ok = await attempt(task, token).catch(() => false);
      inFlight--;
      if (!ok) tasks.unshift(task); // retry after the others: a lingering hold on it may need to lapse
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, buyer));
  all.finish();
  await pool.close();
  all.errors = errors;

  const seconds = (at: number) => Math.max(at - started, 1) / 1000;
  const stepStats = Object.fromEntries(Object.entries(steps).map(([name, r]) => [name, (({ requests, latencyMs, statusCounts }) => ({ requests, latencyMs, statusCounts }))(r.result())]));
  return all.result({
    tickets: total,
    reserved,
    confirmed,
    unconfirmed,
    unsold: tasks.length,
    soldOut: tasks.length === 0 && reserved === total,
    reservedPerSecond: reserved / seconds(lastReservedAt),
    confirmedPerSecond: confirmed / seconds(lastConfirmedAt),
    steps: stepStats,
  });
}
