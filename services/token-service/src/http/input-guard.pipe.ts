import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** Far deeper than any admin API body (create-connection's is 3), far shallower than a stack overflow. */
const MAX_INPUT_DEPTH = 20;

/** A UTF-16 surrogate without its pair; with the `u` flag a proper pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Refuses, before validation, what no field of the admin API may hold, wherever it is (body,
 * query or path): a NUL character or a lone surrogate, which PostgreSQL cannot store (a bare 500
 * otherwise), and nesting deeper than MAX_INPUT_DEPTH, on which the validator's recursion would
 * overflow the stack. The walk is iterative for the same reason.
 */
@Injectable()
export class InputGuardPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const whole = metadata.type === 'body' ? 'the request body' : `the ${metadata.type}`;
    const problem = inputProblem(value, metadata.data ?? '', whole);
    if (problem) throw new BadRequestException(problem);
    return value;
  }
}

/** What is wrong with a value, naming where (e.g. "settings.walkInContactName", else `whole`), or null. */
function inputProblem(value: unknown, name: string, whole: string): string | null {
  // `top`: the top-level field, which names a too-deep value (the full path of a 5000-deep array is no help).
  const pending: Array<{ value: unknown; path: string; top: string; depth: number }> = [{ value, path: name, top: name || whole, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, path, top, depth } = pending.pop()!;
    const where = path || whole;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return `${where} ${problem}`;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return `${top} nests deeper than ${MAX_INPUT_DEPTH} levels`;
    const isRoot = path === '';
    for (const [key, item] of Object.entries(current)) {
      const problem = textProblem(key);
      if (problem) return `a field name in ${where} ${problem}`;
      pending.push({ value: item, path: isRoot ? key : `${path}.${key}`, top: isRoot && !Array.isArray(current) ? key : top, depth: depth + 1 });
    }
  }
  return null;
}

function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it holds an unpaired surrogate such as \\ud800)';
  return null;
}
