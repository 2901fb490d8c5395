import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import { eventually } from '@connector/testing';
import { creates, Harness, productLine, TestConnection, wooProduct } from './catalog-sync.fixture';

/*
 * Zoho documents items' `search_text` as "name or description"; whether it also matches SKUs is
 * unconfirmed (specs/zoho-books.md §4). Here the fake Zoho searches as documented, and answers a
 * taken name or SKU with codes other than its defaults, so nothing may rest on a SKU hit from
 * search_text nor on Zoho's words for a duplicate.
 */
describe('catalog-sync when Zoho search_text does not match SKUs', () => {
  const harness = new Harness({ searchTextMatchesSku: false, errorCodes: { duplicateItemName: 120_122, duplicateItemSku: 120_123 } });

  before(() => harness.start());
  after(() => harness.stop());

  /** `METHOD /path status` of each Books call one connection made since `mark`. */
  const callsSince = (mark: number, connection: TestConnection) =>
    harness.zohoCallsSince(mark, connection).map((call) => `${call.method} ${call.resourcePath} ${call.status}`);

  test('a new product whose SKU is on an item under another name adopts that item: one refused create, nothing duplicated', async () => {
    const connection = await harness.connect();
    const existing = harness.zoho.createItem(connection.orgId, { name: 'Blue Mug (old listing)', rate: 12, sku: 'MUG-1' });
    const line = productLine({ productId: 11, sku: 'MUG-1', name: 'Blue Mug' });

    const mark = harness.zoho.mark();
    const reply = await harness.ensureItems(connection, [line]);
    assert.deepEqual(reply.items[line.key], { itemId: existing.item_id, source: 'sku' });
    assert.deepEqual(harness.zoho.items(connection.orgId).map((item) => item.item_id), [existing.item_id], 'no second item');
    // Searched (SKU, name), refused, looked again (SKU, name), then every item.
    assert.deepEqual(callsSince(mark, connection), ['GET /items 200', 'GET /items 200', 'POST /items 400', 'GET /items 200', 'GET /items 200', 'GET /items 200']);
    const [link] = await harness.links(connection);
    assert.deepEqual([link!.zoho_item_id, link!.matched_by, link!.sku], [existing.item_id, 'sku', 'MUG-1']);
    const entry = (await harness.audit(connection)).find((e) => e.action === 'match-item');
    assert.match(entry!.message, /Zoho refused to create it; linked the existing item found by sku/);

    const next = harness.zoho.mark();
    assert.deepEqual((await harness.ensureItems(connection, [line])).items[line.key], { itemId: existing.item_id, source: 'link' });
    assert.equal(harness.zohoCallsSince(next, connection).length, 0);
  });

  test('a dry run names the items the live call then adopts or creates, with only Zoho reads and nothing linked', async () => {
    const connection = await harness.connect();
    const mug = harness.zoho.createItem(connection.orgId, { name: 'Green Mug (old listing)', rate: 12, sku: 'GMUG-1' });
    harness.zoho.createItem(connection.orgId, { name: 'Jute Bag', rate: 15, sku: 'JBAG-OLD' });
    const lines = [
      productLine({ key: 'mug', productId: 111, sku: 'GMUG-1', name: 'Green Mug' }),
      productLine({ key: 'bag', productId: 112, sku: 'JBAG-NEW', name: 'Jute Bag' }),
      productLine({ key: 'pot', productId: 113, sku: 'POT-1', name: 'Tea Pot' }),
    ];

    const mark = harness.zoho.mark();
    const dry = await harness.ensureItems(connection, lines, { dryRun: true });
    assert.deepEqual(dry.items, {
      mug: { itemId: mug.item_id, source: 'sku' },
      bag: { itemId: '', source: 'created', wouldCreate: true, name: 'Jute Bag (SKU JBAG-NEW)' },
      pot: { itemId: '', source: 'created', wouldCreate: true, name: 'Tea Pot' },
    });
    const dryCalls = harness.zohoCallsSince(mark, connection);
    assert.deepEqual(dryCalls.filter((call) => call.method !== 'GET'), [], 'the dry run writes nothing to Zoho');
    const listings = dryCalls.filter((call) => call.resourcePath === '/items' && call.query.search_text === undefined && call.query.name === undefined);
    assert.equal(listings.length, 1, 'the organization\'s items are listed once for the request (one page here)');
    assert.deepEqual(await harness.links(connection), [], 'nor to the mapping');
    // The next event of a replay's dry run predicts from the same copy: no second listing.
    const again = harness.zoho.mark();
    assert.deepEqual((await harness.ensureItems(connection, lines, { dryRun: true })).items, dry.items);
    assert.equal(harness.zohoCallsSince(again, connection).filter((call) => call.resourcePath === '/items' && call.query.search_text === undefined && call.query.name === undefined).length, 0,
      'the items are not listed again for every event of a replay');

    const live = await harness.ensureItems(connection, lines);
    assert.deepEqual(live.items.mug, { itemId: mug.item_id, source: 'sku' });
    const created = (key: string) => harness.zoho.items(connection.orgId).find((item) => item.item_id === live.items[key]!.itemId);
    assert.deepEqual([live.items.bag!.source, created('bag')?.name], ['created', dry.items.bag!.name]);
    assert.deepEqual([live.items.pot!.source, created('pot')?.name], ['created', dry.items.pot!.name]);
  });

  test('an item with the product name is matched by the name lookup: by SKU when it has the SKU, by name when it has none', async () => {
    const connection = await harness.connect();
    const towel = harness.zoho.createItem(connection.orgId, { name: 'Tea Towel', rate: 5, sku: 'TOWEL-1' });
    const glove = harness.zoho.createItem(connection.orgId, { name: 'Oven Glove', rate: 7 });

    const mark = harness.zoho.mark();
    const reply = await harness.ensureItems(connection, [
      productLine({ key: 'towel', productId: 21, sku: 'TOWEL-1', name: 'Tea Towel' }),
      productLine({ key: 'glove', productId: 22, sku: 'GLOVE-1', name: 'Oven Glove' }),
    ]);
    assert.deepEqual(reply.items, { towel: { itemId: towel.item_id, source: 'sku' }, glove: { itemId: glove.item_id, source: 'name' } });
    assert.equal(creates(harness.zohoCallsSince(mark, connection)).length, 0);
    assert.equal(harness.zohoCallsSince(mark, connection).length, 4, 'search_text and name= for each');
  });

  test('a search_text hit is verified: an item that only mentions the SKU is not taken', async () => {
    const connection = await harness.connect();
    const cup = harness.zoho.createItem(connection.orgId, { name: 'Cup', rate: 4, sku: 'CUP-9', description: 'Fits lid LID-12' });
    const reply = await harness.ensureItems(connection, [productLine({ key: 'lid', productId: 31, sku: 'LID-1', name: 'Lid' })]);
    assert.equal(reply.items.lid!.source, 'created');
    assert.notEqual(reply.items.lid!.itemId, cup.item_id);
    assert.deepEqual(harness.zoho.items(connection.orgId).map((item) => [item.name, item.sku]).sort(), [['Cup', 'CUP-9'], ['Lid', 'LID-1']]);
  });

  test('a duplicate-SKU refusal in words the service has never seen still links the item holding the SKU', async () => {
    const connection = await harness.connect();
    const existing = harness.zoho.createItem(connection.orgId, { name: 'Desk Lamp 2019', rate: 30, sku: 'LAMP-9' });
    harness.zoho.faults.next(1, { status: 400, code: 36_012, message: 'Item with this SKU is present.', match: { method: 'POST', pathPrefix: '/items' } });

    const reply = await harness.ensureItems(connection, [productLine({ key: 'lamp', productId: 41, sku: 'LAMP-9', name: 'Desk Lamp' })]);
    assert.deepEqual(reply.items.lamp, { itemId: existing.item_id, source: 'sku' });
    assert.equal(harness.zoho.items(connection.orgId).length, 1);
  });

  test('an item holding the SKU in another case is found after the refused create, not reported as a permanent failure', async () => {
    const connection = await harness.connect();
    const existing = harness.zoho.createItem(connection.orgId, { name: 'Blue Mug (old listing)', rate: 12, sku: 'mug-1' });
    const line = productLine({ productId: 11, sku: 'MUG-1', name: 'Blue Mug' });
    assert.deepEqual((await harness.ensureItems(connection, [line])).items[line.key], { itemId: existing.item_id, source: 'sku' });
    assert.deepEqual(harness.zoho.items(connection.orgId).map((item) => item.item_id), [existing.item_id], 'no second item');
  });

  test('a name held by an item with another SKU gets a distinct item, whatever words the refusal used', async () => {
    const connection = await harness.connect();
    harness.zoho.createItem(connection.orgId, { name: 'Canvas Bag', rate: 15, sku: 'BAG-OLD' });
    harness.zoho.faults.next(1, { status: 400, code: 36_013, message: 'Not possible.', match: { method: 'POST', pathPrefix: '/items' } });

    const reply = await harness.ensureItems(connection, [productLine({ key: 'bag', productId: 51, sku: 'BAG-NEW', name: 'Canvas Bag' })]);
    assert.equal(reply.items.bag!.source, 'created');
    const created = harness.zoho.items(connection.orgId).find((item) => item.item_id === reply.items.bag!.itemId);
    assert.deepEqual([created!.name, created!.sku], ['Canvas Bag (SKU BAG-NEW)', 'BAG-NEW']);
  });

  test('a refusal while nothing holds the SKU or name fails permanently with Zoho\'s own message', async () => {
    const connection = await harness.connect();
    harness.zoho.faults.next(1, { status: 400, code: 36_014, message: 'Rate must be a number.', match: { method: 'POST', pathPrefix: '/items' } });

    await assert.rejects(
      harness.ensureItems(connection, [productLine({ key: 'x', productId: 61, sku: 'ODD-1', name: 'Odd Thing' })]),
      (error: Error) => error instanceof PermanentError && /Rate must be a number\./.test(error.message),
    );
    assert.equal(harness.zoho.items(connection.orgId).length, 0);
  });

  test('a product renamed in the store keeps its SKU link although the search no longer finds it; a new SKU drops it', async () => {
    const connection = await harness.connect();
    const mug = harness.zoho.createItem(connection.orgId, { name: 'Mug', rate: 7, sku: 'MUG-R' });
    const audited = (count: number) =>
      eventually(async () => {
        const entries = (await harness.audit(connection)).filter((entry) => entry.resource_id === '701');
        return entries.length === count ? entries : undefined;
      });

    await harness.publishProduct(connection, 'created', wooProduct({ id: 701, name: 'Mug', sku: 'MUG-R' }));
    assert.equal((await audited(1))[0]!.action, 'match-item');
    const mark = harness.zoho.mark();
    await harness.publishProduct(connection, 'updated', wooProduct({ id: 701, name: 'Big Mug', sku: 'MUG-R' }));
    const renamed = (await audited(2))[1]!;
    assert.deepEqual([renamed.action, renamed.message], ['refresh-link', `keeps Zoho item ${mug.item_id}, which still has SKU MUG-R`]);
    assert.deepEqual(callsSince(mark, connection), ['GET /items 200', 'GET /items 200', `GET /items/${mug.item_id} 200`]);
    assert.deepEqual((await harness.links(connection)).map((link) => [link.name, link.zoho_item_id]), [['Big Mug', mug.item_id]]);

    await harness.publishProduct(connection, 'updated', wooProduct({ id: 701, name: 'Big Mug', sku: 'MUG-S' }));
    assert.equal((await audited(3))[2]!.action, 'unmapped');
    assert.deepEqual((await harness.links(connection)).map((link) => [link.sku, link.zoho_item_id]), [['MUG-S', null]]);
  });
});
