/*
 * Zoho ids are 64-bit integers. The schemas type them as strings, but Zoho's own examples print
 * bare numbers, and a number above 2^53 silently loses digits in JSON.parse. So before parsing,
 * every integer literal that is the value of a key ending in `_id`/`_ids` (directly or inside an
 * array under such a key) is wrapped in quotes, and so is any integer too large to be exact.
 * String contents are skipped whole, so text inside values is never touched.
 */

const TOKEN = /"(?:[^"\\]|\\.)*"(\s*:)?|[{}[\]]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const INTEGER = /^-?\d+$/;

/** The key whose value is being read, per open object or array. */
interface Container {
  key: string;
}

export function quoteIdNumbers(json: string): string {
  const stack: Container[] = [{ key: '' }];
  const top = (): Container => stack[stack.length - 1]!;
  return json.replace(TOKEN, (token: string, colon: string | undefined) => {
    switch (token[0]) {
      case '{':
        stack.push({ key: '' });
        return token;
      case '[':
        // Elements of an array count as values of the key the array belongs to.
        stack.push({ key: top().key });
        return token;
      case '}':
      case ']':
        if (stack.length > 1) stack.pop();
        return token;
      case '"':
        if (colon !== undefined) top().key = JSON.parse(token.slice(0, token.lastIndexOf('"') + 1)) as string;
        return token;
      default: {
        if (!INTEGER.test(token)) return token;
        const key = top().key;
        const isId = key.endsWith('_id') || key.endsWith('_ids');
        return isId || !Number.isSafeInteger(Number(token)) ? `"${token}"` : token;
      }
    }
  });
}

/** JSON.parse with ids kept as strings; `undefined` when the text is not JSON. */
export function parseZohoJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(quoteIdNumbers(text)) as unknown;
  } catch {
    return undefined;
  }
}
