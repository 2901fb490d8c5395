/**
 * JSON exactly as PHP's `json_encode()` prints it with default flags, which is what WordPress
 * sends (REST responses and webhook bodies via `wp_json_encode`): compact, `/` escaped as `\/`,
 * every non-ASCII character as a lowercase `\uXXXX` escape (astral characters as surrogate
 * pairs). Webhook signatures are computed over these exact bytes, so a receiver that re-serialises
 * the JSON instead of hashing the raw body gets a different signature.
 */

/**
 * A value PHP holds as a float. `json_encode(20.0)` prints `20.0` (PHP ≥ 7.1), so integral
 * floats keep their `.0`; JavaScript numbers cannot express that by themselves.
 */
export class PhpFloat {
  constructor(readonly value: number) {}

  toJSON(): number {
    return this.value;
  }
}

function escapeString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i]!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '/':
        out += '\\/';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
    }
    // UTF-16 code units map one to one onto PHP's escapes: astral characters come out as pairs.
    out += code < 0x20 || code > 0x7e ? (code === 0x7f ? ch : `\\u${code.toString(16).padStart(4, '0')}`) : ch;
  }
  return `${out}"`;
}

function encodeNumber(value: number, isFloat: boolean): string {
  if (!Number.isFinite(value)) throw new RangeError('PHP cannot JSON-encode INF or NAN');
  const text = String(value);
  const exponent = text.indexOf('e');
  if (exponent === -1) return isFloat && Number.isInteger(value) ? `${text}.0` : text;
  // PHP prints exponents as 1.0e+25 / 1.5e-7.
  const mantissa = text.slice(0, exponent);
  const power = text.slice(exponent + 1);
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${power.startsWith('-') ? power : `+${power.replace('+', '')}`}`;
}

export function phpJsonEncode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PhpFloat) return encodeNumber(value.value, true);
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return encodeNumber(value, !Number.isInteger(value));
    case 'string':
      return escapeString(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => phpJsonEncode(v)).join(',')}]`;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return phpJsonEncode(withToJson.toJSON());
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    parts.push(`${escapeString(key)}:${phpJsonEncode(v)}`);
  }
  return `{${parts.join(',')}}`;
}
