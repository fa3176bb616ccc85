import fc from 'fast-check';
import { Ref, refsFor } from './routes';
import { hostileString, hostileValue, ownObject, POLLUTING_KEYS, RawToken, TRICKY_STRINGS } from './values';

/** What a request carries as its body. JSON values may hold `Ref`s and `RawToken`s, serialised at send time. */
export type BodySpec =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string }
  | { kind: 'text'; text: string; contentType: string | null };

type Schema = Record<string, any>;
export type Schemas = Record<string, Schema>;

const DAY = 86_400_000;

function component(schema: Schema, schemas: Schemas): Schema {
  return schema.$ref ? schemas[String(schema.$ref).split('/').pop()!]! : schema;
}

/** Text the schema allows that is still nasty to store: any code point (U+0000 included), SQL, markup. */
function validText(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const fits = TRICKY_STRINGS.filter((s) => s.length >= minLength && s.length <= maxLength);
  return fc.oneof(
    { arbitrary: fc.string({ minLength, maxLength }), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', minLength, maxLength }), weight: 1 },
    { arbitrary: fc.constantFrom(...fits), weight: 1 },
  );
}

/**
 * A value the DTO accepts, read from its OpenAPI schema (which is generated from the class-validator
 * decorators, so a new DTO field is covered automatically). Ids are fixture refs more often than not.
 */
function valid(raw: Schema, name: string, schemas: Schemas): fc.Arbitrary<unknown> {
  const schema = component(raw, schemas);
  if (schema.oneOf) return fc.oneof(...(schema.oneOf as Schema[]).map((option) => valid(option, name, schemas)));
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  const ref = fc.constantFrom(...refsFor(name)).map((refName) => new Ref(refName));
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return fc.oneof({ arbitrary: ref, weight: 3 }, { arbitrary: fc.uuid(), weight: 1 });
      if (schema.format === 'date-time') return fc.integer({ min: -2, max: 400 }).map((days) => new Date(Date.now() + days * DAY).toISOString());
      return validText(schema.minLength ?? 0, Math.min(schema.maxLength ?? 20, 20));
    case 'integer': {
      const int = fc.integer({ min: schema.minimum ?? -1_000, max: Math.min(schema.maximum ?? 1_000_000, 1_000_000) });
      return name === 'fencing_token' ? fc.oneof(ref, int) : int;
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid(schema.items ?? {}, name, schemas), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object':
      return validObject(schema, schemas);
  }
  return fc.jsonValue({ maxDepth: 1 });
}

function validObject(schema: Schema, schemas: Schemas): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, prop]) => [key, valid(prop as Schema, key, schemas)]));
  return (fc.record(model, { requiredKeys: (schema.required ?? []) as never[] }) as fc.Arbitrary<Record<string, unknown>>).map(startsBeforeEnds);
}

// Random instants put an end before its start half the time; ordering each start/end pair keeps valid
// bodies valid often enough to reach the services behind validation.
function startsBeforeEnds(generated: Record<string, unknown>): Record<string, unknown> {
  const body = { ...generated };
  for (const key of Object.keys(body)) {
    const partner = key.replace('start', 'end');
    const [start, end] = [body[key], body[partner]];
    if (partner !== key && typeof start === 'string' && typeof end === 'string' && end < start) [body[key], body[partner]] = [end, start];
  }
  return body;
}

/** Keys a client has no business sending: prototype pollution, identity and privilege fields. */
const extraEntries = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...POLLUTING_KEYS, 'user_id', 'role', 'is_admin', 'id', 'status', ''), fc.string({ maxLength: 12 })), hostileValue),
  { maxLength: 3 },
);

/** The right field names, each value right or wrong, fields dropped at random, hostile extras added. */
function mixed(raw: Schema, name: string, schemas: Schemas, depth = 0): fc.Arbitrary<unknown> {
  const schema = component(raw, schemas);
  if (schema.type === 'object' && schema.properties && depth < 3) {
    const model = Object.fromEntries(Object.entries(schema.properties).map(([key, prop]) => [key, mixed(prop as Schema, key, schemas, depth + 1)]));
    const object = fc.tuple(fc.record(model, { requiredKeys: [] }), extraEntries).map(([fields, extras]) => ownObject([...Object.entries(fields), ...extras]));
    return fc.oneof({ arbitrary: object, weight: 4 }, { arbitrary: hostileValue, weight: 1 });
  }
  if (schema.type === 'array' && depth < 3) {
    const items = fc.array(mixed(schema.items ?? {}, name, schemas, depth + 1), { maxLength: 4 });
    return fc.oneof({ arbitrary: items, weight: 3 }, { arbitrary: hostileValue, weight: 1 });
  }
  return fc.oneof({ arbitrary: valid(schema, name, schemas), weight: 3 }, { arbitrary: hostileValue, weight: 2 });
}

const JSON_TYPES = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  { arbitrary: fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1', 'application/json; charset=utf-16'), weight: 1 },
);
const WRONG_TYPES = [null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/vnd.api+json', '*/*', 'application/json; charset=nope'];
const NOT_JSON = ['{', '}', 'nul', "{'a':1}", '{"a":1,}', '\ufeff{}', '{"a":1}garbage', '"string"', '123', 'true', 'null', '[1,', '{"a":"\\x"}', '{"a":"\ud800"}', '{"a":1,"a":2}', '%7B%7D', 'a=1&b=2'];

/** A body that is not what the route reads: non-JSON text, JSON under another type, deep or huge JSON. */
function oddBody(validJson: fc.Arbitrary<unknown>): fc.Arbitrary<BodySpec> {
  const text = (contentType: fc.Arbitrary<string | null>, body: fc.Arbitrary<string>) =>
    fc.tuple(contentType, body).map(([type, t]): BodySpec => ({ kind: 'text', text: t, contentType: type }));
  const depth = fc.integer({ min: 30, max: 5_000 });
  return fc.oneof(
    text(JSON_TYPES, fc.oneof(fc.constantFrom(...NOT_JSON), fc.string({ maxLength: 30 }))),
    text(fc.constantFrom(...WRONG_TYPES), validJson.map((value) => JSON.stringify(value, (_k, v) => (v instanceof RawToken ? v.text : v)) ?? '')),
    // Nesting past the 32-level limit, as arrays and as objects; thousands deep must not cost the stack.
    text(JSON_TYPES, depth.map((d) => '['.repeat(d) + ']'.repeat(d))),
    text(JSON_TYPES, depth.map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d))),
    // Just over the 1 MB limit (413), except on the bulk seat route where it is merely invalid.
    text(JSON_TYPES, fc.constant(`{"name":"${'x'.repeat(1_100_000)}"}`)),
  );
}

// Valid bodies for the hot paths whose fields depend on each other (seat_ids xor quantity, hold_id or
// event_id), which the schema cannot say. Requests built from them reach the hold store and the purchase.
const EXAMPLES: Record<string, Array<Record<string, unknown>>> = {
  HoldBodyDto: [
    { event_id: new Ref('seatedEventId'), seat_ids: [new Ref('seatId')] },
    { event_id: new Ref('standingEventId'), quantity: 2, ttl_seconds: 600 },
    { event_id: new Ref('queuedEventId'), quantity: 1 },
  ],
  PurchaseDto: [
    { hold_id: new Ref('holdId'), fencing_token: new Ref('holdFencingToken') },
    { hold_id: new Ref('holdId') },
    { event_id: new Ref('seatedEventId'), seat_id: new Ref('seatId') },
    { event_id: new Ref('standingEventId'), quantity: 1 },
  ],
};

/** A body the route accepts (an empty object for routes without one). */
export function validBodyArbitrary(dto: string | null, schemas: Schemas): fc.Arbitrary<BodySpec> {
  const schema: Schema = dto ? schemas[dto]! : { type: 'object', properties: {} };
  const examples = dto ? (EXAMPLES[dto] ?? []) : [];
  const value = examples.length > 0 ? fc.oneof(validObject(schema, schemas), fc.constantFrom(...examples)) : validObject(schema, schemas);
  return value.map((v): BodySpec => ({ kind: 'json', value: v, contentType: 'application/json' }));
}

/** Every kind of body a route might be sent, steered by its DTO schema when it has one. */
export function bodyArbitrary(dto: string | null, schemas: Schemas): fc.Arbitrary<BodySpec> {
  const schema: Schema = dto ? schemas[dto]! : { type: 'object', properties: {} };
  const json = (value: fc.Arbitrary<unknown>, weight: number) => ({
    arbitrary: fc.tuple(value, JSON_TYPES).map(([v, contentType]): BodySpec => ({ kind: 'json', value: v, contentType })),
    weight,
  });
  const good = validObject(schema, schemas);
  const fieldNames = Object.keys(schema.properties ?? {}).length > 0 ? Object.keys(schema.properties) : ['name'];
  const bad = mixed(schema, '', schemas);
  const huge = fc.tuple(good, fc.constantFrom(...fieldNames), fc.integer({ min: 10_000, max: 100_000 }))
    .map(([body, key, length]) => ownObject([...Object.entries(body), [key, 'é'.repeat(length)]]));
  const polluted = good.map((body) =>
    ownObject([['__proto__', { polluted: 'yes', role: 'admin' }], ['constructor', { prototype: { polluted: 'yes' } }], ...Object.entries(body)]),
  );
  return fc.oneof(
    { arbitrary: fc.constant<BodySpec>({ kind: 'none' }), weight: 2 },
    json(good, 4),
    json(bad, 8),
    json(fc.oneof(good.map((b) => [b]), bad.map((b) => ({ data: b })), good.map((b) => JSON.stringify(b))), 1),
    json(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3, withNullPrototype: true, withBoxedValues: true, withMap: true, withDate: true, withSparseArray: true })), 2),
    json(polluted, 1),
    json(huge, 1),
    json(hostileString.map((s) => ({ [s.slice(0, 200)]: s })), 1),
    { arbitrary: oddBody(good), weight: 3 },
  );
}
