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

  it('products unpin forgets the pinned item, so the product is matched again', async () => {
    assert.equal((await cli(['products', 'pin', ACME, '812', '460000000026050'])).code, 0);
    api.requests.length = 0;
    const run = await cli(['products', 'unpin', ACME, '812']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests.map((r) => [r.method, r.path, r.query, r.body]), [
      ['DELETE', `/api/connections/${ACME}/products/812/pin`, {}, undefined],
    ]);
    assert.equal(run.stdout, `Product 812 is no longer pinned; its next order matches it by SKU, then name.\nTo match it now: connector catalog sync ${ACME}\n`);

    const listed = await cli(['products', ACME, '--json']);
    const mug = JSON.parse(listed.stdout).find((p: { productId: number }) => p.productId === 812);
    assert.deepEqual([mug.zohoItemId, mug.matchedBy, mug.pinned], [null, null, false]);
  });

  it('products unpin --variation names the variation; --json prints the answer as it came', async () => {
    assert.equal((await cli(['products', 'pin', ACME, '813', '460000000026050', '--variation', '815'])).code, 0);
    api.requests.length = 0;
    const run = await cli(['products', 'unpin', ACME, '813', '--variation', '815', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests.map((r) => [r.method, r.path, r.query]), [
      ['DELETE', `/api/connections/${ACME}/products/813/pin`, { variationId: '815' }],
    ]);
    assert.deepEqual(JSON.parse(run.stdout), { productId: 813, variationId: 815, pinned: false, zohoItemId: null });
    assert.equal(run.stderr, '');
  });

  it("products unpin of a product that is not pinned, or has no link, prints the server's message and exits 1", async () => {
    api.state.products[ACME].push({ productId: 820, variationId: 0, sku: 'CUP-1', name: 'Cup', zohoItemId: '460000000026070', matchedBy: 'sku', pinned: false });
    const notPinned = await cli(['products', 'unpin', ACME, '820']);
    assert.equal(notPinned.code, 1);
    assert.match(notPinned.stderr, new RegExp(`^connector: Product 820 is not pinned, so there is nothing to unpin; it already uses Zoho item 460000000026070 \\(matched by sku\\) \\(DELETE /api/connections/${ACME}/products/820/pin answered 409\\)$`, 'm'));
    assert.equal(notPinned.stdout, '');

    const none = await cli(['products', 'unpin', ACME, '999', '--json']);
    assert.equal(none.code, 1);
    assert.deepEqual(JSON.parse(none.stderr).error.statusCode, 404);
    assert.match(JSON.parse(none.stderr).error.message, /Product 999 has no item link on this connection/);
    assert.equal(none.stdout, '');

    const unknown = await cli(['products', 'unpin', '00000000-0000-4000-8000-000000000000', '812']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Connection 00000000-0000-4000-8000-000000000000 does not exist/);
  });

  it('products unpin against a token-service without the endpoint says to update it', async () => {
    api.unpinAvailable = false;
    try {
      const run = await cli(['products', 'unpin', ACME, '812']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`^connector: this admin API does not offer unpinning yet \\(DELETE /api/connections/${ACME}/products/812/pin answered 404\\); update token-service$`, 'm'));
    } finally {
      api.unpinAvailable = true;
    }
  });

  it('products unpin checks its arguments, and its help says what happens next', async () => {
    const few = await cli(['products', 'unpin', ACME]);
    assert.equal(few.code, 2);
    assert.match(few.stderr, /missing <productId>\nUsage: connector products unpin <connectionId> <productId> \[options\]/);
    const variation = await cli(['products', 'unpin', ACME, '813', '--variation', 'large']);
    assert.equal(variation.code, 2);
    assert.match(variation.stderr, /--variation must be a whole number/);
    const extra = await cli(['products', 'unpin', ACME, '813', '460000000026050']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /unexpected argument "460000000026050"/);

    const help = await cli(['products', 'unpin', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Unpin a product \(or one variation\) so it is matched to a Zoho item automatically again\.$/m);
    assert.match(help.stdout, /Zoho by SKU, then by/);
    assert.match(help.stdout, /^  connector products unpin 6f1c… 812 --variation 815$/m);
    assert.match((await cli(['--help'])).stdout, /^  products unpin <connectionId> <productId> +Unpin a product/m);
    assert.match((await cli(['products', 'pin', '--help'])).stdout, /^See also: .*connector products unpin/m);
  });
});
