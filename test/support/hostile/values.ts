import fc from 'fast-check';

/**
 * A JSON number token that JSON.stringify cannot produce (NaN, 1e999, 01, ...). Placed in a body value, it
 * is spliced into the text verbatim, so the server's parser sees exactly these bytes.
 */
export class RawToken {
  constructor(readonly text: string) {}
}

export const RAW_NUMBER_TOKENS = ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '1e-999', '-0', '01', '0x1F', '1.', '.5', '+1', '1E+2', '123456789012345678901234567890'];

// Strings a careless layer might interpret: SQL, NoSQL operators, templates, paths, numbers in disguise.
export const TRICKY_STRINGS = [
  "' OR '1'='1",
  "1; DROP TABLE seats;--",
  "'); DELETE FROM tickets; --",
  '{"$gt": ""}',
  '{"$ne": null}',
  '$where',
  'sleep(5)',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '\u0000',
  '${7*7}',
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '0x10',
  ' 1',
  '١٢٣',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  ' ',
  '\u202e\u0000\ufeff',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '2026-13-45T25:61:00Z',
  '2026-01-01T00:00:00',
  '+275760-09-13T00:00:00.000Z',
  '0000-01-01T00:00:00Z',
  '2026-02-30T10:00:00+99:99',
];

/** Long strings are built by repetition: generating 100 KB of random text per case would dominate the run. */
const longString = fc
  .tuple(fc.constantFrom('x', 'é', '😀', "'", '\\', '"', '%', '\u0000'), fc.integer({ min: 256, max: 100_000 }))
  .map(([unit, length]) => unit.repeat(length));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...TRICKY_STRINGS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.uuid(), weight: 2 },
  { arbitrary: fc.uuid().map((id) => id.toUpperCase()), weight: 1 },
  { arbitrary: fc.uuid().map((id) => ` ${id}`), weight: 1 },
  { arbitrary: longString, weight: 1 },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-0, 0, 1, -1, 0.5, 1.5, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 2 ** 63, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.integer(),
  // NaN and ±Infinity become null in JSON: one more wrong type.
  fc.double(),
);

/** Any wrong-typed JSON value: strings, numbers, booleans, nulls, arrays, objects, raw tokens. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: hostileNumber, weight: 3 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 2 },
  { arbitrary: fc.constantFrom(...RAW_NUMBER_TOKENS).map((text) => new RawToken(text)), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.array(hostileString, { maxLength: 4 }), weight: 1 },
);

/** Keys that attack object handling rather than validation. */
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toJSON', 'valueOf'];

/** An object whose keys may include `__proto__`: built with fromEntries, so the key is an own property. */
export function ownObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** What Node lets a client put in a header value: tab, visible ASCII, space and Latin-1. */
const headerChar = fc.oneof(
  { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), weight: 8 },
  { arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)), weight: 1 },
  { arbitrary: fc.constant('\t'), weight: 1 },
);

export const hostileHeader: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: headerChar, maxLength: 60 }), weight: 5 },
  { arbitrary: fc.constantFrom('', ' ', 'null', '0', '-1', 'Ã©', "' OR 1=1 --", '../..', '%00', 'a'.repeat(256)), weight: 3 },
  { arbitrary: fc.integer({ min: 256, max: 8_000 }).map((n) => 'k'.repeat(n)), weight: 1 },
);
