import fc from 'fast-check';
import { bodyArbitrary, validBodyArbitrary, type BodySpec, type Schemas } from './bodies';
import { REF_NAMES, Ref, refsFor, type HostileRoute } from './routes';
import { hostileHeader, hostileString } from './values';

/** Who the request claims to be; tokens are signed by the world, garbage is sent as it is. */
export type AuthChoice = 'none' | 'owner' | 'other' | 'admin' | 'expired' | 'wrongSecret' | 'badRole' | 'algNone' | { garbage: string };

/** A path segment: a fixture ref, or text already safe for the request line (possibly broken escapes). */
export type PathValue = Ref | { raw: string };

export interface HostileRequest {
  route: HostileRoute;
  method: string;
  params: Record<string, PathValue>;
  query: string;
  auth: AuthChoice;
  headers: Record<string, string | Ref>;
  body: BodySpec;
}

// Escapes that are broken, traverse, or decode to separators: the router must answer them, not crash.
const RAW_SEGMENTS = ['..%2f', '..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%', '%zz', '%E0%A4%A', '%00', '%c0%ae', '%ff%fe', '%u0041', '..', '.', ';', '%20', '%2F', '*', "'", '~', 'null', 'undefined', '-1', '0'];
// Nearly-UUIDs: case, braces, no dashes, a URN prefix, a trailing character.
const UUID_VARIANTS = [(id: string) => id.toUpperCase(), (id: string) => `%7B${id}%7D`, (id: string) => id.replaceAll('-', ''), (id: string) => `urn:uuid:${id}`, (id: string) => `${id}0`];
// Over 2,048 characters the app answers 414; under Node's 16 KB header limit so the app, not Node, decides.
const capped = hostileString.map((s) => s.slice(0, 5_000));

function pathValue(name: string, path: string): fc.Arbitrary<PathValue> {
  const ids = REF_NAMES.filter((ref) => ref !== 'holdFencingToken');
  return fc.oneof(
    { arbitrary: fc.constantFrom(...refsFor(name, path)).map((ref) => new Ref(ref)), weight: 5 },
    { arbitrary: fc.constantFrom(...ids).map((ref) => new Ref(ref)), weight: 1 },
    { arbitrary: fc.uuid().map((raw) => ({ raw })), weight: 2 },
    { arbitrary: fc.tuple(fc.uuid(), fc.constantFrom(...UUID_VARIANTS)).map(([id, variant]) => ({ raw: variant(id) })), weight: 1 },
    { arbitrary: capped.map((s) => ({ raw: encodeURIComponent(s) })), weight: 3 },
    { arbitrary: fc.constantFrom(...RAW_SEGMENTS).map((raw) => ({ raw })), weight: 2 },
  );
}

const QUERY_KEYS = ['limit', 'cursor', 'last_event_id', 'limit[]', 'limit[0]', 'cursor[a]', '__proto__', 'constructor[prototype][polluted]', '', 'Limit'];
const LIMITS = ['0', '-1', '1', '1.5', '1e3', '10000', '10001', '99999999999999999999999', 'NaN', '', 'abc', '1,2', '0x10', ' 5', '%zz', '%'];

const queryValue = fc.oneof(
  fc.constantFrom(...LIMITS),
  fc.uuid(),
  capped.map((s) => encodeURIComponent(s.slice(0, 300))),
);

/** Query strings: limit/cursor garbage, duplicated keys, bracket "arrays", pollution keys, broken escapes. */
const queryArbitrary = fc.oneof(
  { arbitrary: fc.constant(''), weight: 3 },
  {
    arbitrary: fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 }).map(encodeURIComponent)), queryValue), { minLength: 1, maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
    weight: 4,
  },
  { arbitrary: fc.constantFrom('limit=1&limit=2', 'cursor=a&cursor=b', '&&&', '=', '?', 'limit', `pad=${'x'.repeat(3_000)}`), weight: 1 },
);

const authArbitrary: fc.Arbitrary<AuthChoice> = fc.oneof(
  { arbitrary: fc.constantFrom<AuthChoice>('owner', 'admin'), weight: 6 },
  { arbitrary: fc.constantFrom<AuthChoice>('none', 'other'), weight: 3 },
  { arbitrary: fc.constantFrom<AuthChoice>('expired', 'wrongSecret', 'badRole', 'algNone'), weight: 2 },
  {
    arbitrary: fc.oneof(hostileHeader, fc.constantFrom('Bearer', 'Bearer ', 'bearer x.y.z', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', 'Bearer ..', 'Bearer eyJ.eyJ.sig')).map((garbage) => ({ garbage })),
    weight: 1,
  },
);

const optionalHeader = (value: fc.Arbitrary<string | Ref>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: value, weight: 1 });

const headersArbitrary = fc
  .record({
    'Idempotency-Key': optionalHeader(fc.oneof(fc.uuid(), hostileHeader)),
    'X-Queue-Session': optionalHeader(fc.oneof(fc.constant(new Ref('sessionId')), fc.uuid(), hostileHeader)),
    'X-Request-Id': optionalHeader(hostileHeader),
    'Last-Event-ID': optionalHeader(fc.oneof(fc.constantFrom('0', '1', '999999999999999', '9999999999999999', '-1', '1.5'), hostileHeader)),
    'Content-Encoding': fc.oneof({ arbitrary: fc.constant(undefined), weight: 30 }, { arbitrary: fc.constantFrom('gzip', 'br', 'compress', 'identity', 'x'), weight: 1 }),
    // Past the server's 16 KB header limit: Node's parser refuses it and the server answers 431 itself.
    'X-Padding': fc.oneof({ arbitrary: fc.constant(undefined), weight: 60 }, { arbitrary: fc.constant('p'.repeat(17_000)), weight: 1 }),
  })
  .map((headers) => Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string | Ref>);

// The stream never ends once it opens; a Last-Event-ID that is not an id makes it fail before it does.
function quickToFail(request: HostileRequest): HostileRequest {
  const current = request.headers['Last-Event-ID'];
  const invalid = typeof current === 'string' && current.trim() !== '' && !/^\d{1,15}$/.test(current.trim());
  return invalid ? request : { ...request, headers: { ...request.headers, 'Last-Event-ID': 'not-an-id' } };
}

type Parts = Omit<HostileRequest, 'route'>;
const PARTS = ['method', 'params', 'query', 'auth', 'headers', 'body'] as const;

/** Everything random: most such requests die early, at auth, routing or validation. */
function chaos(route: HostileRoute, schemas: Schemas): fc.Arbitrary<Parts> {
  const params = fc.record(Object.fromEntries(route.params.map((name) => [name, pathValue(name, route.path)])));
  // Mostly the documented method; sometimes another one on the same path (an unrouted method -> 404).
  // Not HEAD: its answers have no body, so there is no problem document to check.
  const method = fc.oneof({ arbitrary: fc.constant(route.method), weight: 12 }, { arbitrary: fc.constantFrom('get', 'post', 'put', 'patch', 'delete', 'options'), weight: 1 });
  return fc.record({ method, params, query: queryArbitrary, auth: authArbitrary, headers: headersArbitrary, body: bodyArbitrary(route.body, schemas) });
}

/** A request the route would accept: real fixture ids, the right role, a valid body. */
function plausible(route: HostileRoute, schemas: Schemas): fc.Arbitrary<Parts> {
  const params = fc.record(Object.fromEntries(route.params.map((name) => [name, fc.constantFrom(...refsFor(name, route.path)).map((ref): PathValue => new Ref(ref))])));
  const headers = fc
    .record({ 'Idempotency-Key': optionalHeader(fc.uuid()), 'X-Queue-Session': optionalHeader(fc.constant(new Ref('sessionId'))) })
    .map((all) => Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string | Ref>);
  return fc.record({
    method: fc.constant(route.method as string),
    params,
    query: fc.constantFrom('', 'limit=1', 'limit=1000'),
    auth: route.auth === 'admin' ? fc.constant<AuthChoice>('admin') : fc.constantFrom<AuthChoice>('owner', 'owner', 'admin'),
    headers,
    body: validBodyArbitrary(route.body, schemas),
  });
}

/**
 * A random request to `route`. Half are chaos; half start from a plausible request and change one part
 * (or none), so hostile input also reaches the services, stores and database behind validation.
 */
export function requestArbitrary(route: HostileRoute, schemas: Schemas): fc.Arbitrary<HostileRequest> {
  const mutated = fc
    .tuple(plausible(route, schemas), chaos(route, schemas), fc.constantFrom('none', ...PARTS))
    .map(([base, random, part]) => (part === 'none' ? base : { ...base, [part]: random[part] }));
  return fc
    .oneof(chaos(route, schemas), mutated)
    .map((parts) => ({ route, ...parts }) as HostileRequest)
    .map((request) => (route.streams && request.method === 'get' ? quickToFail(request) : request));
}
