import { parseArgs } from 'node:util';

export const PHASES = ['ceiling', 'express-baseline', 'hold-storm', 'hot-seat', 'purchase-funnel', 'queue'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  /** Seconds per duration-bound phase (hold-storm, ceiling, express-baseline, queue look-ups). */
  duration: number;
  /** Unrecorded seconds of load before hold-storm, ceiling and express-baseline. */
  warmup: number;
  connections: number;
  users: number;
  seats: number;
  capacity: number;
  queueDepth: number;
  /** Paced position look-ups per second (the latency figure, away from saturation). */
  queueRate: number;
  phases: Phase[];
  /** WORKERS passed to the server (node:cluster); null leaves it unset. */
  workers: number | null;
  /** Run the API under `node --cpu-prof` and summarise the profile. */
  profile: boolean;
  /** The funnel stops here even if it has not sold out (and the run then fails). */
  funnelTimeout: number;
  holdTtl: number;
  outDir: string;
  /** Keep the temp directory (embedded data, server log) instead of deleting it. */
  keep: boolean;
}

const HELP = `npm run bench -- [options]
  --quick                 3 s phases, 1,000 seats and places, 5,000 in the queue (1-2 min)
  --duration <s>          seconds per timed phase (10)
  --warmup <s>            unrecorded load before each hold-shaped phase (1)
  --connections <n>       concurrent connections (100)
  --users <n>             distinct signed-in users (1000)
  --seats <n>             seats of the seated event (10000); --capacity <n> places of the standing one (10000)
  --queue-depth <n>       buyers joining the queue before the look-ups (100000)
  --queue-rate <n>        paced position look-ups per second after the saturated ones (500)
  --phases <a,b>          subset of ${PHASES.join(',')}
  --workers <n>           WORKERS=n for the server (node:cluster)
  --profile               run the API under --cpu-prof and print where its time went
  --funnel-timeout <s>    give up the funnel after this long (900)
  --hold-ttl <s>          ttl_seconds of hold-storm holds (1: seats churn)
  --out <dir>             where results go (bench-results)
  --keep                  keep the temp directory (embedded data, server logs)
Real Postgres / Redis when DATABASE_URL / REDIS_URL are set; embedded (PGlite, in-process) otherwise.`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '100' },
      users: { type: 'string', default: '1000' },
      seats: { type: 'string' },
      capacity: { type: 'string' },
      'queue-depth': { type: 'string' },
      'queue-rate': { type: 'string', default: '500' },
      phases: { type: 'string', default: PHASES.join(',') },
      workers: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'funnel-timeout': { type: 'string', default: '900' },
      'hold-ttl': { type: 'string', default: '1' },
      out: { type: 'string', default: 'bench-results' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const quick = values.quick;
  const int = (name: string, raw: string | undefined, fallback: number, min = 1): number => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number >= ${min} (got "${raw}")\n\n${HELP}`);
    return value;
  };
  const phases = values.phases.split(',').map((name) => name.trim()) as Phase[];
  const unknown = phases.filter((name) => !PHASES.includes(name));
  if (unknown.length > 0) throw new Error(`unknown phase(s): ${unknown.join(', ')}; known: ${PHASES.join(', ')}`);
  const options: BenchOptions = {
    duration: int('duration', values.duration, quick ? 3 : 10),
    warmup: int('warmup', values.warmup, 1, 0),
    connections: int('connections', values.connections, 100),
    users: int('users', values.users, 1_000),
    seats: int('seats', values.seats, quick ? 1_000 : 10_000, 10),
    capacity: int('capacity', values.capacity, quick ? 1_000 : 10_000),
    queueDepth: int('queue-depth', values['queue-depth'], quick ? 5_000 : 100_000),
    queueRate: int('queue-rate', values['queue-rate'], 500),
    phases: PHASES.filter((phase) => phases.includes(phase)),
    workers: values.workers === undefined ? null : int('workers', values.workers, 1),
    profile: values.profile,
    funnelTimeout: int('funnel-timeout', values['funnel-timeout'], 900),
    holdTtl: int('hold-ttl', values['hold-ttl'], 1),
    outDir: values.out,
    keep: values.keep,
  };
  if (options.seats > 50_000) throw new Error('--seats: at most 50,000 (one bulk seat request)');
  // hot-seat's 1,000 users each send exactly one request; autocannon needs at least one per connection.
  if (options.users < options.connections || options.queueDepth < options.connections) throw new Error('--users and --queue-depth must be at least --connections');
  return options;
}
