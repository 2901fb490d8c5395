import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonObjectFieldReader } from './json-object-fields';

const KEYS = ['id', 'date_modified_gmt'] as const;
const readJsonObjectFields = jsonObjectFieldReader(KEYS);

/** What the scan must answer, by JSON.parse: the fields of the object, or undefined. */
function oracle(bytes: Buffer): Partial<Record<(typeof KEYS)[number], unknown>> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const fields: Record<string, unknown> = {};
  for (const key of KEYS) if (Object.prototype.hasOwnProperty.call(parsed, key)) fields[key] = (parsed as Record<string, unknown>)[key];
  return fields;
}

function agree(bytes: Buffer): void {
  assert.deepEqual(readJsonObjectFields(bytes), oracle(bytes), `disagrees with JSON.parse on ${JSON.stringify(bytes.toString('latin1'))}`);
}

/** A seeded generator, so a failure names an input that can be run again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRING_PARTS = ['a', 'id', 'é', '€', '😀', '\\"', '\\\\', '\\/', '\\n', '\\t', '\\u00e9', '\\ud83d\\ude00', '\\u0069', ' ', '<b>', '2026-01-02T03:04:05'];
const NUMBERS = ['0', '-0', '7', '727', '-12', '3.14', '0.5', '1e3', '1E-2', '-2.5e+10', '12345678901234567890', '1.0'];
const WHITESPACE = ['', '', '', ' ', '\n', '\t', '\r\n  '];

function generator(next: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const ws = () => pick(WHITESPACE);
  const string = () => `"${Array.from({ length: Math.floor(next() * 4) }, () => pick(STRING_PARTS)).join('')}"`;
  const key = () => (next() < 0.35 ? pick(['"id"', '"date_modified_gmt"', '"\\u0069d"', '"i\\u0064"']) : string());
  const value = (depth: number): string => {
    const roll = next();
    if (depth > 4 || roll < 0.3) return pick([string(), pick(NUMBERS), 'true', 'false', 'null']);
    if (roll < 0.65) return object(depth + 1);
    return `[${ws()}${Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
  };
  const object = (depth: number): string =>
    `{${ws()}${Array.from({ length: Math.floor(next() * 5) }, () => `${key()}${ws()}:${ws()}${value(depth)}`).join(`${ws()},${ws()}`)}${ws()}}`;
  return { document: () => `${ws()}${object(0)}${ws()}`, pick };
}

/** Bytes that matter to a JSON scanner, for the mutations. */
const INTERESTING = Buffer.from('{}[]":,\\ \t\n\r0123456789-+.eEtrufalsn/u\x00\x1f\x7f');

function mutate(bytes: Buffer, next: () => number): Buffer {
  const at = Math.floor(next() * (bytes.length + 1));
  const byte = next() < 0.85 ? INTERESTING[Math.floor(next() * INTERESTING.length)]! : Math.floor(next() * 256);
  switch (Math.floor(next() * 5)) {
    case 0:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]); // delete
    case 1:
      return Buffer.concat([bytes.subarray(0, at), Buffer.of(byte), bytes.subarray(at)]); // insert
    case 2: {
      const copy = Buffer.from(bytes);
      if (at < copy.length) copy[at] = byte; // replace
      return copy;
    }
    case 3:
      return bytes.subarray(0, at); // truncate
    default: {
      const end = Math.min(bytes.length, at + 1 + Math.floor(next() * 8));
      return Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]); // repeat a span
    }
  }
}

describe('jsonObjectFieldReader', () => {
  it('reads the asked-for top-level fields of an order without parsing the rest', () => {
    const order = Buffer.from(
      JSON.stringify({
        id: 727,
        parent_id: 0,
        status: 'processing',
        date_modified_gmt: '2026-11-28T03:04:05',
        billing: { id: 'not this one', first_name: 'Zoë', email: 'zoe@example.com' },
        line_items: [{ id: 315, name: 'Woo \"Single\" / 1', meta_data: [{ id: 1, key: 'date_modified_gmt', value: 'nested' }] }],
      }),
    );
    assert.deepEqual(readJsonObjectFields(order), { id: 727, date_modified_gmt: '2026-11-28T03:04:05' });
  });

  it('gives each value the meaning JSON.parse gives it', () => {
    assert.deepEqual(readJsonObjectFields(Buffer.from('{"id":"A\\u00e9\\/1","date_modified_gmt":null}')), { id: 'Aé/1', date_modified_gmt: null });
    assert.deepEqual(readJsonObjectFields(Buffer.from('{"id":1.50e2}')), { id: 150 });
    assert.deepEqual(readJsonObjectFields(Buffer.from('{"id":{"a":[1,{"b":2}]},"x":1}')), { id: { a: [1, { b: 2 }] } });
    assert.deepEqual(readJsonObjectFields(Buffer.from('{"id":[]}')), { id: [] });
    assert.deepEqual(readJsonObjectFields(Buffer.from('{"id":1,"id":2}')), { id: 2 }, 'a repeated key: the last, as JSON.parse');
    assert.deepEqual(readJsonObjectFields(Buffer.from('{"\\u0069d":3}')), { id: 3 }, 'a key spelled with an escape');
    assert.deepEqual(readJsonObjectFields(Buffer.from(' {} ')), {});
  });

  it('refuses what is not exactly one JSON object', () => {
    for (const text of ['', ' ', '[]', '"x"', '1', 'null', '{', '}', '{"id":1', '{"id":1}x', '{"id":1}{}', '{"id":01}', '{"id":1.}', '{"id":-}', '{"id":.5}',
      '{"id":1e}', '{"id":tru}', '{"id":"\\x"}', '{"id":"\\u12G4"}', '{"id":"a\nb"}', '{id:1}', "{'id':1}", '{"id":1,}', '{"a":[1,]}', '{"a":[1 2]}',
      '{"a" 1}', '\ufeff{}', '{"a":1]', '{"a":[}]}', '{"a":NaN}', '{"a":Infinity}', '{"a":+1}']) {
      assert.equal(readJsonObjectFields(Buffer.from(text)), undefined, JSON.stringify(text));
      agree(Buffer.from(text));
    }
  });

  it('accepts bytes above 0x7f inside strings only, as JSON.parse after a UTF-8 decode does', () => {
    agree(Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xc3, 0x22, 0x7d])); // {"id":"\xff\xc3"}
    agree(Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x31, 0xa0, 0x7d])); // {"id":1\xa0}
  });

  it('reads nesting deeper than its first stack without recursion', () => {
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)},"id":9}`;
    assert.deepEqual(readJsonObjectFields(Buffer.from(deep)), { id: 9 });
    agree(Buffer.from(`{"a":${'['.repeat(5000)}${']'.repeat(4999)},"id":9}`));
  });

  it('agrees with JSON.parse on thousands of generated and mutated documents', () => {
    const next = random(20261128);
    const { document } = generator(next);
    let valid = 0;
    let refused = 0;
    for (let round = 0; round < 1500; round++) {
      const original = Buffer.from(document());
      agree(original);
      let bytes: Buffer = original;
      for (let m = 0; m < 8; m++) {
        bytes = mutate(bytes, next);
        agree(bytes);
        if (oracle(bytes)) valid++;
        else refused++;
      }
    }
    // Both sides of the contract were exercised, not only refusals.
    assert.ok(valid > 500 && refused > 2000, `valid ${valid}, refused ${refused}`);
  });
});
