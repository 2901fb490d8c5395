import { createHash } from 'node:crypto';
import type { WooOrder } from '@connector/contracts';

/**
 * Fields that change on every read or delivery without the order changing: links, and the
 * modification date itself (snapshots are compared by date separately).
 */
const VOLATILE_FIELDS = new Set(['_links', 'date_modified', 'date_modified_gmt']);

/** JSON with object keys sorted, so the same content always hashes the same whatever the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A SHA-256 (hex) of the order's content, ignoring key order, links and modification dates: two
 * snapshots with the same hash would produce the same invoice.
 */
export function orderContentHash(order: WooOrder): string {
  const content = Object.fromEntries(Object.entries(order).filter(([key]) => !VOLATILE_FIELDS.has(key)));
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
