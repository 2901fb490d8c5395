import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { WooOrder } from '@connector/contracts';
import { canonicalHash, orderContentHash } from './order-content-hash';
import { fixtures } from './test-support/fixtures';

/** The first implementation, kept as the oracle: hashes stored with it must keep matching. */
function referenceHash(order: WooOrder): string {
  const canonical = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonical(entry)}`).join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
  };
  const content = Object.fromEntries(Object.entries(order).filter(([key]) => !['_links', 'date_modified', 'date_modified_gmt'].includes(key)));
  return createHash('sha256').update(canonical(content)).digest('hex');
}

/** Deterministic pseudo-random JSON values with awkward keys and strings. */
function randomValue(seed: { n: number }, depth = 0): unknown {
  const next = () => (seed.n = (seed.n * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = next();
  const text = () => ['', 'a', 'Zoë', 'line\nbreak', 'quote"d', '\u2028', '🙂', 'key with space', 'B', 'b', '_z', '$x', '10', '9'][Math.floor(next() * 14)]!;
  if (depth > 3 || pick < 0.3) return [null, true, false, 0, -1.5, 1e21, 727, text(), undefined][Math.floor(next() * 9)];
  if (pick < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(seed, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 6); i > 0; i--) object[text()] = randomValue(seed, depth + 1);
  return object;
}

describe('orderContentHash', () => {
  test('is the hash stored hashes were made with, for real orders', () => {
    for (const order of [fixtures.order(), fixtures.orderCompleted()]) assert.equal(orderContentHash(order), referenceHash(order));
  });

  test('matches the reference on random content (awkward keys, escapes, undefined, nesting)', () => {
    const seed = { n: 42 };
    for (let i = 0; i < 500; i++) {
      const order = { ...(randomValue(seed) as object), id: i, date_modified_gmt: `2026-01-0${i % 9}` } as unknown as WooOrder;
      assert.equal(orderContentHash(order), referenceHash(order), JSON.stringify(order));
    }
  });

  test('ignores key order, links and modification dates; sees any other change', () => {
    const order = fixtures.order();
    const reordered = Object.fromEntries(Object.entries(order).reverse()) as unknown as WooOrder;
    assert.equal(orderContentHash(reordered), orderContentHash(order));
    assert.equal(orderContentHash({ ...order, date_modified_gmt: '2030-01-01T00:00:00', _links: {} } as WooOrder), orderContentHash(order));
    assert.notEqual(orderContentHash({ ...order, customer_note: 'gift wrap' }), orderContentHash(order));
  });

  test('covers the order\'s refunds (ids and amounts): a refund made in the second of the applied snapshot still changes it', () => {
    const order = { ...fixtures.order(), refunds: [] } as WooOrder;
    const refunded = { ...order, refunds: [{ id: 730, reason: '', total: '-5.00' }] } as WooOrder;
    assert.notEqual(orderContentHash(refunded), orderContentHash(order));
    assert.notEqual(orderContentHash({ ...order, refunds: [{ id: 730, reason: '', total: '-6.00' }] } as WooOrder), orderContentHash(refunded), 'another amount');
    assert.notEqual(orderContentHash({ ...order, refunds: [{ id: 731, reason: '', total: '-5.00' }] } as WooOrder), orderContentHash(refunded), 'another refund');
  });

  test('canonicalHash: the same content hashes the same whatever the key order; undefined members count as absent', () => {
    const payload = { customer_id: '1', line_items: [{ rate: 3, item_id: 'a', tax_id: undefined }], adjustment: 0 };
    const same = { adjustment: 0, line_items: [{ item_id: 'a', rate: 3 }], customer_id: '1' };
    assert.equal(canonicalHash(payload), canonicalHash(same));
    assert.equal(canonicalHash(payload), createHash('sha256').update('{"adjustment":0,"customer_id":"1","line_items":[{"item_id":"a","rate":3}]}').digest('hex'));
    assert.notEqual(canonicalHash({ ...same, adjustment: 0.01 }), canonicalHash(same));
  });
});
