// Hostile input (issue 8, part 2): random and adversarial requests to every documented route. Whatever is
// sent, the API answers without a 5xx, every error is an RFC 9457 problem, and a rejected request changes
// nothing. FC_SEED replays another run, FC_NUM_RUNS changes its length.
import { once } from 'node:events';
import { Agent, type Server } from 'node:http';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import supertest, { type Response } from 'supertest';
import { createHttpServer } from '../internal/controller/http-server';
import { ROUTE_DOCS } from '../internal/controller/openapi';
import { HoldStore } from '../lib/adapter/hold-store';
import { WaitingRoom } from '../lib/adapter/waiting-room';
import { KYSELY } from '../pkg/postgres/database';
import type { Database } from '../pkg/postgres/tables';
import type { Schemas } from './support/hostile/bodies';
import { changes, fingerprint, type Fingerprint } from './support/hostile/fingerprint';
import { knownDefect } from './support/hostile/known-defects';
import { requestArbitrary, type HostileRequest } from './support/hostile/requests';
import { hostileRoutes, type HostileRoute, type RefName } from './support/hostile/routes';
import { describe as describeRequest, send, wire } from './support/hostile/send';
import { HostileWorld } from './support/hostile/world';
import { startTestApp, type TestApp } from './support/test-app';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 8_2026;
const NUM_RUNS = process.env.FC_NUM_RUNS ? Number(process.env.FC_NUM_RUNS) : 2_000;

// Off the documented API but served by the same app: static files (path traversal) and unknown paths.
const UNDOCUMENTED: HostileRoute[] = ['/app/:file', '/docs/:file', '/api/v1/nope/:id'].map((path) => ({
  method: 'get',
  path,
  auth: undefined,
  body: null,
  params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
  streams: false,
}));

let t: TestApp;
let server: Server;
let http: ReturnType<typeof supertest>;
const agent = new Agent({ keepAlive: true });
let world: HostileWorld;
let schemas: Schemas;

beforeAll(async () => {
  // No background jobs: a sweeper acting between two fingerprints would look like the request's doing.
  t = await startTestApp({}, { jobs: false });
  // The production server wrapper, so that what Node refuses itself (431) is answered as it is in production.
  server = createHttpServer(t.app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  http = supertest(server);
  world = await HostileWorld.create(t, http);
  schemas = (await http.get('/api/v1/openapi.json').expect(200)).body.components.schemas;
}, 60_000);

afterAll(async () => {
  agent.destroy();
  server?.closeAllConnections();
  if (server) await new Promise((done) => server.close(done));
  await t?.close();
});

/** What is wrong with an error answer, measured against RFC 9457 and our conventions. */
function problemShape(res: Response): string[] {
  const wrong: string[] = [];
  const type = String(res.headers['content-type'] ?? '');
  if (!/^application\/problem\+json/.test(type)) wrong.push(`content-type is "${type}", not application/problem+json`);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.text);
  } catch {
    return [...wrong, 'body is not JSON'];
  }
  if (typeof body.type !== 'string' || !body.type.startsWith('/problems/')) wrong.push(`type ${JSON.stringify(body.type)}`);
  if (typeof body.title !== 'string' || body.title === '') wrong.push(`title ${JSON.stringify(body.title)}`);
  if (!Number.isInteger(body.status) || body.status !== res.status) wrong.push(`status member ${JSON.stringify(body.status)} for HTTP ${res.status}`);
  if (typeof body.detail !== 'string') wrong.push(`detail ${JSON.stringify(body.detail)}`);
  return wrong;
}

const SAFE = new Set(['get', 'head', 'options']);
const count = <K>(tally: Map<K, number>, key: K) => tally.set(key, (tally.get(key) ?? 0) + 1);

it(`answers ${NUM_RUNS} hostile requests to every route: no 5xx, always problem+json, no change on rejection`, async () => {
  const routes = [...hostileRoutes(ROUTE_DOCS), ...UNDOCUMENTED];
  const statuses = new Map<number, number>();
  const successes = new Map<string, number>();
  const knownHits = new Map<string, number>();
  const unexercised = new Set(routes);
  let baseline: Fingerprint = await world.settle();
  console.log(`hostile input: seed ${SEED}, ${NUM_RUNS} runs over ${routes.length} routes (replay with FC_SEED=${SEED})`);

  const property = fc.asyncProperty(fc.oneof(...routes.map((route) => requestArbitrary(route, schemas))), async (request: HostileRequest) => {
    const out = wire(request, world);
    let res: Response;
    try {
      res = await send(http, out, agent);
    } catch (error) {
      throw new Error(`no answer (${(error as Error).message})\n  ${describeRequest(out)}`);
    }
    count(statuses, res.status);
    unexercised.delete(request.route);
    const wrong: string[] = [];
    const known = res.status >= 500 ? knownDefect(out) : undefined;
    if (known) count(knownHits, known.id);
    else if (res.status >= 500) wrong.push(`server error ${res.status}`);
    if (res.status >= 400) wrong.push(...problemShape(res));
    if (Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>).polluted !== undefined) wrong.push('Object.prototype was polluted');
    const after = await fingerprint(t, world);
    if (res.status >= 400 || SAFE.has(out.method)) {
      const key = out.headers['Idempotency-Key']?.trim();
      wrong.push(...changes(baseline, after, key ? { key, status: res.status } : undefined));
      baseline = after;
    } else {
      count(successes, `${out.method.toUpperCase()} ${request.route.path}`);
      // A success may change state and use fixtures up; the next request is judged against what it left.
      baseline = await world.settle(res.body);
    }
    if (wrong.length > 0) throw new Error(`${wrong.join('\n')}\n  ${describeRequest(out, res)}`);
  });

  const started = Date.now();
  await fc.assert(property, { seed: SEED, numRuns: NUM_RUNS });
  // A route the run never reached was not tested at all (e.g. a new route whose requests all fail to build).
  expect([...unexercised].map((route) => `${route.method} ${route.path}`)).toEqual([]);
  console.log(
    `hostile input: ${NUM_RUNS} runs in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ` +
      `successful writes ${JSON.stringify(Object.fromEntries(successes))}; known defects hit ${JSON.stringify(Object.fromEntries(knownHits))}`,
  );
}, 240_000);

// Last: it spoils the fixtures. A fingerprint blind to some part of the state would pass every case above.
it('notices a change in each part of the state it fingerprints (the check itself works)', async () => {
  const db = t.runtime.container.get<Kysely<Database>>(KYSELY);
  const holds = t.runtime.container.get<HoldStore>(HoldStore);
  const room = t.runtime.container.get<WaitingRoom>(WaitingRoom);
  const ref = (name: RefName) => String(world.value(name));
  const spoilers: Array<[string, () => Promise<unknown>]> = [
    ['events', () => db.updateTable('events').set({ venue: 'Elsewhere' }).where('id', '=', ref('standingEventId')).execute()],
    ['seats', () => db.updateTable('seats').set({ version: sql`version + 1` }).where('id', '=', ref('seatId')).execute()],
    ['tickets', () => db.updateTable('tickets').set({ status: 'cancelled' }).where('id', '=', ref('ticketId')).execute()],
    ['stores', () => holds.extend(ref('holdId'), new Date(Date.now() + 60_000))],
    ['stores', () => room.leave(ref('queuedEventId'), ref('sessionId'), new Date())],
    ['idempotency key added', () => db.insertInto('idempotencyKeys').values({ userId: ref('ownerId'), key: 'self-check', requestHash: 'x', status: 'in_flight', responseStatus: null, responseType: null, responseBody: null, createdAt: new Date() }).execute()],
  ];
  for (const [part, spoil] of spoilers) {
    const before = await fingerprint(t, world);
    await spoil();
    expect(changes(before, await fingerprint(t, world)).join('\n')).toContain(part);
  }
});
