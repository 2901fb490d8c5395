/**
 * Query strings parsed the way PHP fills `$_GET` (`parse_str`): `a[]=1&a[]=2` becomes a list,
 * `a[x]=1` a map, `+` is a space, a repeated plain key keeps its last value, and dots and spaces
 * in a top-level name become underscores. WooCommerce's OAuth 1.0a check signs these parsed
 * values, so the fake has to see parameters exactly as PHP does.
 */
export type PhpValue = string | PhpArray;
/** An ordered PHP array (list or map); keys are strings, as PHP's array keys print. */
export type PhpArray = Map<string, PhpValue>;

function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function nextIndex(array: PhpArray): string {
  let max = -1;
  for (const key of array.keys()) if (/^-?\d+$/.test(key)) max = Math.max(max, Number(key));
  return String(max + 1);
}

/** Adds one `name=value` pair to `target` with PHP's bracket semantics. */
export function addPhpParam(target: PhpArray, rawName: string, value: string): void {
  const bracket = rawName.indexOf('[');
  let base = bracket === -1 ? rawName : rawName.slice(0, bracket);
  base = base.replace(/[. ]/g, '_');
  if (base === '') return;
  const path: string[] = [];
  if (bracket !== -1) {
    const rest = rawName.slice(bracket);
    const re = /\[([^\]]*)\]/g;
    let match: RegExpExecArray | null;
    let consumed = 0;
    while ((match = re.exec(rest)) !== null && match.index === consumed) {
      path.push(match[1]!);
      consumed = re.lastIndex;
    }
  }
  if (path.length === 0) {
    target.set(base, value);
    return;
  }
  let container: PhpArray;
  const existing = target.get(base);
  if (existing instanceof Map) container = existing;
  else {
    container = new Map();
    target.set(base, container);
  }
  path.forEach((segment, i) => {
    const key = segment === '' ? nextIndex(container) : segment;
    if (i === path.length - 1) {
      container.set(key, value);
      return;
    }
    const inner = container.get(key);
    if (inner instanceof Map) container = inner;
    else {
      const created: PhpArray = new Map();
      container.set(key, created);
      container = created;
    }
  });
}

export function parsePhpQuery(query: string): PhpArray {
  const result: PhpArray = new Map();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    const value = decode(eq === -1 ? '' : part.slice(eq + 1));
    addPhpParam(result, name, value);
  }
  return result;
}

/** A scalar parameter (arrays give undefined). */
export function phpScalar(params: PhpArray, name: string): string | undefined {
  const value = params.get(name);
  return typeof value === 'string' ? value : undefined;
}

/**
 * A list parameter the way the WP REST API reads `type: array` args: `a[]=x&a[]=y`, or a
 * comma/space separated string (`wp_parse_list`).
 */
export function phpList(params: PhpArray, name: string): string[] | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((s) => s !== '');
  return [...value.values()].filter((v): v is string => typeof v === 'string');
}
