import { createHash } from 'node:crypto';
import type { WooOrder } from '@connector/contracts';

/**
 * Fields that change on every read or delivery without the order changing: links, and the
 * modification date itself (snapshots are compared by date separately).
 */
const VOLATILE_FIELDS = new Set(['_links', 'date_modified', 'date_modified_gmt']);

/** Keys JSON.stringify would write as they are (no escaping): most of WooCommerce's. */
const PLAIN_KEY = /^[\w$-]*$/;

/**
 * JSON with object keys sorted, so the same content always hashes the same whatever the key order.
 * The output is fixed (stored hashes are compared with new ones): keys in UTF-16 order, undefined
 * members left out, undefined in arrays as null. Written as loops over plain strings because it
 * runs for every order event, live and replayed (it was a fifth of a replay's CPU).
 */
function canonicalJson(value: unknown, skipKeys?: ReadonlySet<string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const entry = record[key];
    if (entry === undefined || skipKeys?.has(key)) continue;
    out += `${first ? '' : ','}${PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key)}:${canonicalJson(entry)}`;
    first = false;
  }
  return `${out}}`;
}

/** A SHA-256 (hex) of any JSON value, keys sorted: the same content always hashes the same. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * A SHA-256 (hex) of the order's content, ignoring key order, links and modification dates: two
 * snapshots with the same hash would produce the same invoice.
 */
export function orderContentHash(order: WooOrder): string {
  return createHash('sha256').update(canonicalJson(order, VOLATILE_FIELDS)).digest('hex');
}
