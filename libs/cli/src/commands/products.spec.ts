import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeAdminApi } from '../test-support/fake-admin-api';
import { ACME } from '../test-support/fixtures';

describe('catalog sync and products', () => {
  const { api, cli } = FakeAdminApi.forSuite();

  it('catalog sync reports the counts and how to pin the unmatched', async () => {
    api.requests.length = 0;
    const run = await cli(['catalog', 'sync', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.calls(), [`POST /api/connections/${ACME}/catalog/sync`]);
    assert.match(run.stdout, /^Products: +120\nMatched: +117\nUnmatched: +3\n/);
    assert.match(run.stdout, /connector products pin/);

    const json = await cli(['catalog', 'sync', ACME, '--json']);
    assert.deepEqual(JSON.parse(json.stdout), { products: 120, matched: 117, unmatched: 3 });
  });

  it('products lists the mapping; --unmapped keeps those without an item', async () => {
    const run = await cli(['products', ACME]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^PRODUCT +VARIATION +SKU +NAME +ZOHO ITEM +MATCHED BY +PINNED$/);
    assert.match(lines[1], /^ +812 +- +MUG-1 +Mug +460000000026049 +sku +no$/);

    const unmapped = await cli(['products', ACME, '--unmapped', '--json']);
    assert.deepEqual(JSON.parse(unmapped.stdout).map((p: { productId: number }) => p.productId), [813]);
  });

  it('products pin sends the item and variation', async () => {
    api.requests.length = 0;
    const run = await cli(['products', 'pin', ACME, '813', '460000000026050', '--variation', '815']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests.map((r) => [r.method, r.path, r.body]), [
      ['PUT', `/api/connections/${ACME}/products/813`, { zohoItemId: '460000000026050', variationId: 815 }],
    ]);
    assert.equal(run.stdout, 'Product 813 variation 815 is pinned to Zoho item 460000000026050.\n');
  });

  it("products pin prints the server's validation message and exits 1", async () => {
    const run = await cli(['products', 'pin', ACME, '813', 'ITEM-9']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /zohoItemId must be a Zoho item id \(digits\)/);
  });

  it('products pin checks its arguments', async () => {
    const few = await cli(['products', 'pin', ACME, '813']);
    assert.equal(few.code, 2);
    assert.match(few.stderr, /missing <zohoItemId>/);
    const variation = await cli(['products', 'pin', ACME, '813', '4600', '--variation', 'large']);
    assert.equal(variation.code, 2);
    assert.match(variation.stderr, /--variation must be a whole number/);
  });
});
