import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZohoJson, quoteIdNumbers } from './json';

describe('parseZohoJson', () => {
  it('keeps big integer ids exact, as strings', () => {
    const parsed = parseZohoJson(
      '{"code":0,"invoice":{"invoice_id":5551230000000400001123,"customer_id": 460000000026049,' +
        '"line_items":[{"line_item_id":9007199254740993,"quantity":2,"rate":12.5}],"total":34.98}}',
    ) as { invoice: Record<string, unknown> & { line_items: Array<Record<string, unknown>> } };
    assert.equal(parsed.invoice.invoice_id, '5551230000000400001123');
    assert.equal(parsed.invoice.customer_id, '460000000026049');
    assert.equal(parsed.invoice.line_items[0]!.line_item_id, '9007199254740993');
    assert.equal(parsed.invoice.line_items[0]!.quantity, 2);
    assert.equal(parsed.invoice.total, 34.98);
  });

  it('quotes ids in arrays under an _ids key and unsafe integers anywhere', () => {
    const parsed = parseZohoJson('{"item_ids":[1,2],"counts":[3],"big":12345678901234567890}') as Record<string, unknown>;
    assert.deepEqual(parsed.item_ids, ['1', '2']);
    assert.deepEqual(parsed.counts, [3]);
    assert.equal(parsed.big, '12345678901234567890');
  });

  it('leaves strings and already-quoted ids alone', () => {
    const text = '{"message":"tax_id: 123 \\"x_id\\":5","tax_id":"555","notes":"a\\\\"}';
    assert.equal(quoteIdNumbers(text), text);
  });

  it('does not carry an id key past the object it belongs to', () => {
    const parsed = parseZohoJson('{"rows":[{"tax_id":1},7],"n":8}') as { rows: unknown[]; n: number };
    assert.deepEqual(parsed.rows, [{ tax_id: '1' }, 7]);
    assert.equal(parsed.n, 8);
  });

  it('returns undefined for empty or non-JSON text', () => {
    assert.equal(parseZohoJson(''), undefined);
    assert.equal(parseZohoJson('<html>'), undefined);
  });
});
