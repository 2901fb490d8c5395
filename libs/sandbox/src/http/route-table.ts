/**
 * A tiny router: patterns like `/contacts/:contactId/contactpersons`, matched segment by segment.
 * It tells "no such path" apart from "path exists, wrong method", because both services answer
 * those differently (404 vs 405).
 */
export interface RouteMatch<T> {
  route: T;
  params: Record<string, string>;
}

interface Entry<T> {
  method: string;
  segments: string[];
  route: T;
}

export type RouteLookup<T> = { kind: 'found'; match: RouteMatch<T> } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'not-found' };

export class RouteTable<T> {
  private readonly entries: Entry<T>[] = [];

  add(method: string, pattern: string, route: T): this {
    this.entries.push({ method: method.toUpperCase(), segments: split(pattern), route });
    return this;
  }

  lookup(method: string, path: string): RouteLookup<T> {
    const segments = split(path);
    const allowed: string[] = [];
    for (const entry of this.entries) {
      const params = matchSegments(entry.segments, segments);
      if (!params) continue;
      if (entry.method === method.toUpperCase()) return { kind: 'found', match: { route: entry.route, params } };
      allowed.push(entry.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const a = actual[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return undefined;
      }
    } else if (p !== a) {
      return undefined;
    }
  }
  return params;
}
