import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from 'redis';

const run = promisify(execFile);

/**
 * Servers of the test's own on spare loopback ports, for fault tests that stop, kill or flush them:
 * the machine's shared Postgres and Redis are never touched.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not come up in ${timeoutMs} ms`);
}

export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  /** SIGTERM by default; SIGKILL to simulate a crash. Without persistence either way loses every key. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const ping = async () => {
    const client = createClient({ url, RESP: 2, maintNotifications: 'disabled', socket: { reconnectStrategy: false, connectTimeout: 500 } });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      if (client.isOpen) client.destroy();
    }
  };
  const own: OwnRedis = {
    url,
    start: async () => {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await until(ping, `redis on ${port}`);
    },
    stop: async (signal = 'SIGTERM') => {
      const exiting = child && child.exitCode === null ? new Promise((done) => child!.once('exit', done)) : null;
      child?.kill(signal);
      await exiting;
      child = null;
    },
  };
  await own.start();
  return own;
}

export interface OwnPostgres {
  url: string;
  start(): Promise<void>;
  /** Immediate shutdown: connections are cut as in a crash. */
  stop(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: connections stay open and nothing answers (a stalled or partitioned server). */
  freeze(): Promise<void>;
  /** SIGCONT to what freeze() stopped. */
  thaw(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().pop()!, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'onsale-pg-'));
  const { uid, gid } = await run('id', ['-u', 'postgres']).then(async ({ stdout }) => ({ uid: Number(stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) }));
  chownSync(dir, uid, gid);
  const port = await freePort();
  // Postgres refuses to run as root; the machine's postgres user runs this private cluster.
  const asPostgres = (cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]);
  await asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const ctl = (action: string, ...extra: string[]) =>
    asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-w', '-l', join(dir, 'log'), ...extra, action]);
  let frozen: number[] = [];
  const signal = (pids: number[], name: NodeJS.Signals) => pids.forEach((pid) => process.kill(pid, name));
  const own: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => {
      await ctl('start', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`);
    },
    stop: async () => {
      await ctl('stop', '-m', 'immediate');
    },
    freeze: async () => {
      const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      // The postmaster first, so it forks no backend after the list below is taken.
      signal([postmaster], 'SIGSTOP');
      const backends = (await run('pgrep', ['-P', String(postmaster)])).stdout.split('\n').filter(Boolean).map(Number);
      signal(backends, 'SIGSTOP');
      frozen = [postmaster, ...backends];
    },
    thaw: async () => {
      signal(frozen.reverse(), 'SIGCONT');
      frozen = [];
    },
    destroy: async () => {
      if (frozen.length > 0) await own.thaw();
      await ctl('stop', '-m', 'immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await own.start();
  return own;
}

export interface OwnRedisCluster {
  /** One node's URL: the client finds the others. */
  url: string;
  nodes: OwnRedis[];
  /** The node that serves `key`'s slot (an index into `nodes`). */
  ownerOf(key: string): Promise<number>;
  /** Resolves once the other nodes have marked node `index` failed (after the node time-out). */
  failed(index: number): Promise<void>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Three masters, no replicas, each with its own directory, so a stopped node restarts into the cluster. */
export async function startOwnRedisCluster(): Promise<OwnRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'onsale-redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const admin = async <T>(port: number, command: string[]): Promise<T> => {
    const client = createClient({ url: `redis://127.0.0.1:${port}`, RESP: 2, maintNotifications: 'disabled', socket: { reconnectStrategy: false, connectTimeout: 500 } });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.sendCommand(command)) as T;
    } finally {
      if (client.isOpen) client.destroy();
    }
  };
  const nodes = ports.map((port): OwnRedis => {
    let child: ChildProcess | null = null;
    return {
      url: `redis://127.0.0.1:${port}`,
      start: async () => {
        // As docs/operations.md asks of a deployment: the slots of a failed master stop, the others go on.
        // A short node time-out, so the survivors mark a stopped master failed within the test.
        child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--cluster-enabled', 'yes',
          '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--cluster-require-full-coverage', 'no', '--cluster-node-timeout', '1000'], { stdio: 'ignore' });
        await until(async () => (await admin<string>(port, ['PING'])) === 'PONG', `redis cluster node on ${port}`);
      },
      stop: async (signal = 'SIGTERM') => {
        const exiting = child && child.exitCode === null ? new Promise((done) => child!.once('exit', done)) : null;
        child?.kill(signal);
        await exiting;
        child = null;
      },
    };
  });
  // Any node that answers: the test may have stopped the others.
  const anyNode = async <T>(command: string[]): Promise<T> => {
    let last: unknown;
    for (const port of ports) {
      try {
        return await admin<T>(port, command);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  };
  const healthy = async () => /cluster_state:ok/.test(await anyNode<string>(['CLUSTER', 'INFO']));
  await Promise.all(nodes.map((node) => node.start()));
  await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
  await until(healthy, 'the redis cluster');
  // No replicas, so no failover: the slots stay where the cluster was made.
  const ranges = await anyNode<Array<[number, number, [string, number]]>>(['CLUSTER', 'SLOTS']);
  return {
    url: nodes[0]!.url,
    nodes,
    healthy,
    ownerOf: async (key) => {
      const slot = await anyNode<number>(['CLUSTER', 'KEYSLOT', key]);
      const range = ranges.find(([from, to]) => slot >= from && slot <= to)!;
      return ports.indexOf(Number(range[2][1]));
    },
    failed: (index) =>
      until(async () => (await anyNode<string>(['CLUSTER', 'NODES'])).split('\n').some((line) => line.includes(`:${ports[index]}@`) && /\bfail\b/.test(line)), `node ${index} marked failed`),
    close: async () => {
      await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
