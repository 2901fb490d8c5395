const OPEN_OBJECT = 0x7b; // '{', and '}' is 0x7d
const OPEN_ARRAY = 0x5b; // '[', and ']' is 0x5d
const CLOSE_OFFSET = 2;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];
const ESCAPED_KEY = -2;

// The tables below are indexed with `byte | 0`: reading past the end gives undefined, and one
// undefined key turns a table lookup generic and the whole scan several times slower.

/** JSON's whitespace: space, tab, line feed, carriage return (nothing else, unlike String#trim). */
const WHITESPACE = new Uint8Array(256);
WHITESPACE[0x20] = WHITESPACE[0x09] = WHITESPACE[0x0a] = WHITESPACE[0x0d] = 1;
/** Inside a string: 0 an ordinary byte, 1 the closing quote, 2 a backslash, 3 a control character (not allowed). */
const IN_STRING = new Uint8Array(256);
for (let code = 0; code < 0x20; code++) IN_STRING[code] = 3;
IN_STRING[QUOTE] = 1;
IN_STRING[BACKSLASH] = 2;
/** The characters allowed after a backslash, besides `u`. */
const SHORT_ESCAPE = new Uint8Array(256);
for (const ch of '"\\/bfnrt') SHORT_ESCAPE[ch.charCodeAt(0)] = 1;
const HEX_DIGIT = new Uint8Array(256);
for (const ch of '0123456789abcdefABCDEF') HEX_DIGIT[ch.charCodeAt(0)] = 1;

/**
 * A reader of some top-level fields of a JSON object, in one pass over its bytes without building
 * the object. Why: the webhook gateway must know that a delivery is one JSON object and read its `id`
 * and `date_modified_gmt`, but stores the bytes as they came; `JSON.parse` of a 3 kB order built a
 * hundred objects and interned every key only to throw them away, the gateway's largest cost per
 * delivery after its sockets (bench/, scenario 1).
 *
 * The contract, checked against `JSON.parse` by a differential test over mutated documents: a
 * result of `read(bytes)` means `JSON.parse(bytes.toString('utf8'))` returns an object whose asked-for fields are
 * the values returned (a key given twice: its last value, as `JSON.parse`). `undefined` means the
 * bytes are not one JSON object. Callers that need to say why can ask `JSON.parse` then, which
 * words the error.
 *
 * Like `JSON.parse` after a UTF-8 decode, bytes of 0x80 and above are accepted inside strings
 * (an invalid sequence decodes to U+FFFD there, it does not fail) and nowhere else.
 */
export function jsonObjectFieldReader<K extends string>(keys: readonly K[]): (bytes: Uint8Array) => Partial<Record<K, unknown>> | undefined {
  const wanted = keys.map((key) => Buffer.from(key, 'utf8'));
  return (bytes) => readFields(bytes, keys, wanted);
}

function readFields<K extends string>(b: Uint8Array, keys: readonly K[], wanted: readonly Uint8Array[]): Partial<Record<K, unknown>> | undefined {
  const n = b.length;
  const spans = new Int32Array(keys.length * 2).fill(-1);
  let stack: Uint8Array = new Uint8Array(32); // the open containers: '{' or '['
  let depth = 0;
  let i = skipWhitespace(b, 0);
  if (b[i] !== OPEN_OBJECT) return undefined;
  let c: number = OPEN_OBJECT;
  let expectKey = false;
  let field = -1; // index in `keys` of the top-level key whose value comes next
  let container = -1; // … of the top-level key whose value is the object or array now open
  let containerStart = 0;

  for (;;) {
    if (expectKey) {
      if (c !== QUOTE) return undefined;
      const keyStart = i + 1;
      i = skipString(b, i);
      if (i < 0) return undefined;
      field = depth === 1 ? matchKey(b, keyStart, i - 1, wanted) : -1;
      if (field === ESCAPED_KEY) field = keys.indexOf(JSON.parse(utf8(b, keyStart - 1, i)) as K); // "\u0069d" is "id"
      i = skipWhitespace(b, i);
      if (b[i] !== COLON) return undefined;
      i = skipWhitespace(b, i + 1);
      c = b[i]!;
    }

    const valueStart = i;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === stack.length) stack = grow(stack);
      stack[depth++] = c;
      i = skipWhitespace(b, i + 1);
      if (b[i] === c + CLOSE_OFFSET) {
        i++; // an empty container, a complete value
        depth--;
      } else {
        if (field >= 0) {
          container = field;
          containerStart = valueStart;
          field = -1;
        }
        expectKey = c === OPEN_OBJECT;
        c = b[i]!;
        continue;
      }
    } else if (c === QUOTE) {
      i = skipString(b, i);
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      i = skipNumber(b, i);
    } else if (c === 0x74 /* t */) {
      i = skipLiteral(b, i, TRUE);
    } else if (c === 0x66 /* f */) {
      i = skipLiteral(b, i, FALSE);
    } else if (c === 0x6e /* n */) {
      i = skipLiteral(b, i, NULL);
    } else {
      return undefined;
    }
    if (i < 0) return undefined;
    if (field >= 0) {
      spans[field * 2] = valueStart;
      spans[field * 2 + 1] = i;
      field = -1;
    }

    // After a value: a comma, or the end of one or more containers.
    for (;;) {
      i = skipWhitespace(b, i);
      if (depth === 0) return i === n ? decodeFields(b, keys, spans) : undefined;
      const open = stack[depth - 1]!;
      const next = b[i];
      if (next === COMMA) {
        i = skipWhitespace(b, i + 1);
        expectKey = open === OPEN_OBJECT;
        c = b[i]!;
        break;
      }
      if (next !== open + CLOSE_OFFSET) return undefined;
      i++;
      if (--depth === 1 && container >= 0) {
        spans[container * 2] = containerStart;
        spans[container * 2 + 1] = i;
        container = -1;
      }
    }
  }
}

function skipWhitespace(b: Uint8Array, i: number): number {
  while (WHITESPACE[b[i]! | 0] === 1) i++;
  return i;
}

/** From the opening quote at `i` to just past the closing one; -1 if the string is not valid JSON. */
function skipString(b: Uint8Array, i: number): number {
  const n = b.length;
  i++;
  for (;;) {
    if (i >= n) return -1;
    const kind = IN_STRING[b[i]!];
    if (kind === 0) {
      i++;
    } else if (kind === 1) {
      return i + 1;
    } else if (kind === 3) {
      return -1;
    } else if (b[i + 1] === 0x75 /* u */) {
      if (!(HEX_DIGIT[b[i + 2]! | 0] && HEX_DIGIT[b[i + 3]! | 0] && HEX_DIGIT[b[i + 4]! | 0] && HEX_DIGIT[b[i + 5]! | 0])) return -1;
      i += 6;
    } else if (SHORT_ESCAPE[b[i + 1]! | 0] === 1) {
      i += 2;
    } else {
      return -1;
    }
  }
}

/** A number by JSON's grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?; -1 if it is not one. */
function skipNumber(b: Uint8Array, i: number): number {
  if (b[i] === MINUS) i++;
  if (b[i] === DIGIT_0) i++;
  else if (isDigit(b[i])) i = skipDigits(b, i);
  else return -1;
  if (b[i] === DOT) {
    if (!isDigit(b[i + 1])) return -1;
    i = skipDigits(b, i + 1);
  }
  if (b[i] === 0x65 /* e */ || b[i] === 0x45 /* E */) {
    i++;
    if (b[i] === PLUS || b[i] === MINUS) i++;
    if (!isDigit(b[i])) return -1;
    i = skipDigits(b, i);
  }
  return i;
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= DIGIT_0 && code <= DIGIT_9;
}

function skipDigits(b: Uint8Array, i: number): number {
  while (isDigit(b[i])) i++;
  return i;
}

function skipLiteral(b: Uint8Array, i: number, literal: readonly number[]): number {
  for (let k = 0; k < literal.length; k++) if (b[i + k] !== literal[k]) return -1;
  return i + literal.length;
}

/** Which wanted key the bytes [start, end) spell, -1 for none, ESCAPED_KEY if they hold an escape. */
function matchKey(b: Uint8Array, start: number, end: number, wanted: readonly Uint8Array[]): number {
  for (let k = start; k < end; k++) if (b[k] === BACKSLASH) return ESCAPED_KEY;
  const length = end - start;
  outer: for (let w = 0; w < wanted.length; w++) {
    const key = wanted[w]!;
    if (key.length !== length) continue;
    for (let k = 0; k < length; k++) if (b[start + k] !== key[k]) continue outer;
    return w;
  }
  return -1;
}

/** Each found value is a few bytes of valid JSON: JSON.parse gives it exactly the meaning it has in the whole. */
function decodeFields<K extends string>(b: Uint8Array, keys: readonly K[], spans: Int32Array): Partial<Record<K, unknown>> {
  const fields: Partial<Record<K, unknown>> = {};
  for (let k = 0; k < keys.length; k++) {
    const start = spans[k * 2]!;
    if (start >= 0) fields[keys[k]!] = JSON.parse(utf8(b, start, spans[k * 2 + 1]!));
  }
  return fields;
}

function utf8(b: Uint8Array, start: number, end: number): string {
  return (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('utf8', start, end);
}

function grow(stack: Uint8Array): Uint8Array {
  const bigger = new Uint8Array(stack.length * 2);
  bigger.set(stack);
  return bigger;
}
