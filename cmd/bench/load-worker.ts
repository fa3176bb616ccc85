import { cannon, jsonHeaders, signUsers } from './cannon';
import { runFunnel } from './funnel';
import { paced } from './paced';
import type { HoldStormSpec, HotSeatSpec, LoadReply, LoadSpec, QueueSpec } from './load-spec';
import { Recorder, type PhaseResult } from './stats';

/**
 * The load generator: its own OS process (forked by main.ts), so sending requests and parsing answers
 * never competes with the server on one event loop. It receives one LoadSpec over IPC, signs the users'
 * tokens before the clock starts, runs the phase and sends the results back.
 */
const HOLDS = '/api/v1/holds';
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function holdStorm(spec: HoldStormSpec): Promise<PhaseResult[]> {
  const tokens = await signUsers(spec.jwtSecret, spec.users);
  const requests = [
    {
      method: 'POST',
      path: HOLDS,
      setupRequest: (req: object) => ({
        ...req,
        headers: jsonHeaders(pick(tokens)),
        body: `{"event_id":"${spec.eventId}","seat_ids":["${pick(spec.seatIds)}"],"ttl_seconds":${spec.ttlSeconds}}`,
      }),
    },
  ];
  if (spec.warmupSeconds > 0) await cannon({ url: spec.url, connections: spec.connections, duration: spec.warmupSeconds, requests }, new Recorder('warm-up'));
  const recorder = new Recorder(spec.phase, true);
  await cannon({ url: spec.url, connections: spec.connections, duration: spec.seconds, requests }, recorder);
  return [recorder.result()];
}

/** Every user once, all at the same few seats: the store must let exactly one hold win each seat. */
async function hotSeat(spec: HotSeatSpec): Promise<PhaseResult[]> {
  const tokens = await signUsers(spec.jwtSecret, spec.users);
  const recorder = new Recorder('hot-seat', true);
  const winners: Array<{ hold_id: string; seat_id: string; user_id: string }> = [];
  let next = 0;
  await cannon(
    {
      url: spec.url,
      connections: spec.connections,
      // autocannon builds exactly `amount` requests, so every user is used exactly once.
      amount: tokens.length,
      requests: [
        {
          method: 'POST',
          path: HOLDS,
          setupRequest: (req) => {
            const i = next++;
            const seat = spec.seatIds[i % spec.seatIds.length];
            return { ...req, headers: jsonHeaders(tokens[i]!), body: `{"event_id":"${spec.eventId}","seat_ids":["${seat}"],"ttl_seconds":${spec.ttlSeconds}}` };
          },
          onResponse: (status, body) => {
            if (status !== 201) return;
            const hold = JSON.parse(body) as { id: string; seat_ids: string[]; user_id: string };
            winners.push({ hold_id: hold.id, seat_id: hold.seat_ids[0]!, user_id: hold.user_id });
          },
        },
      ],
    },
    recorder,
  );
  return [recorder.result({ winners })];
}

/** Fills the line through the API, then looks positions up at that depth (each user asks for their own). */
async function queue(spec: QueueSpec): Promise<PhaseResult[]> {
  const tokens = await signUsers(spec.jwtSecret, spec.users);
  const joins = new Recorder('queue-join', true);
  let next = 0;
  const body = `{"event_id":"${spec.eventId}"}`;
  await cannon(
    {
      url: spec.url,
      connections: spec.connections,
      amount: tokens.length,
      requests: [{ method: 'POST', path: '/api/v1/queue/join', setupRequest: (req) => ({ ...req, headers: jsonHeaders(tokens[next++]!), body }) }],
    },
    joins,
  );
  const lookups = [
    {
      method: 'GET',
      setupRequest: (req: object) => {
        const i = Math.floor(Math.random() * tokens.length);
        return { ...req, path: `/api/v1/queue/position/${spec.eventId}/${spec.users.prefix}${i}`, headers: { authorization: `Bearer ${tokens[i]}` } };
      },
    },
  ];
  const positions = new Recorder('queue-position', true);
  await cannon({ url: spec.url, connections: spec.connections, duration: spec.seconds, requests: lookups }, positions);
  const pacedConnections = Math.min(10, spec.connections);
  const steady = new Recorder(`queue-position@${spec.pacedRate}/s`, true);
  const lookup = (i: number) => ({ path: `/api/v1/queue/position/${spec.eventId}/${spec.users.prefix}${i}`, headers: { authorization: `Bearer ${tokens[i]}` } });
  await paced(
    { url: spec.url, connections: pacedConnections, rate: spec.pacedRate, seconds: spec.seconds, request: () => lookup(Math.floor(Math.random() * tokens.length)) },
    steady,
  );
  return [
    joins.result({ depth: tokens.length }),
    positions.result({ depth: tokens.length }),
    steady.result({ depth: tokens.length, connections: pacedConnections, rate: spec.pacedRate, pacing: 'open loop' }),
  ];
}

function run(spec: LoadSpec): Promise<PhaseResult[]> {
  switch (spec.kind) {
    case 'hold-storm':
      return holdStorm(spec);
    case 'hot-seat':
      return hotSeat(spec);
    case 'purchase-funnel':
      return runFunnel(spec).then((result) => [result]);
    case 'queue':
      return queue(spec);
  }
}

process.once('message', (spec: LoadSpec) => {
  run(spec)
    .then((results): LoadReply => ({ ok: true, results }))
    .catch((error: unknown): LoadReply => ({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .then((reply) => process.send!(reply, () => process.exit(0)));
});
