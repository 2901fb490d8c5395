import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, TransientError } from '@connector/common';
import { RPC, type ItemRequestLine } from '@connector/contracts';
import { eventually } from '@connector/testing';
import { FakeWooStore } from '@connector/sandbox';
import { creates, FEE, Harness, itemGets, productLine, SHIPPING, TestConnection, wooProduct } from './catalog-sync.fixture';

// ---- tests ---------------------------------------------------------------------------------

describe('catalog-sync against real NATS and PostgreSQL with a fake Zoho', () => {
  const harness = new Harness();

  before(() => harness.start());
  after(() => harness.stop());

  describe('ensure-items', () => {
    test('matches an existing Zoho item by SKU, and records the decision with its Zoho calls', async () => {
      const connection = await harness.connect();
      const existing = await connection.books.createItem({ name: 'Blue Mug Deluxe', rate: 12, sku: 'MUG-1' });
      const mark = harness.zoho.mark();
      const reply = await harness.ensureItems(connection, [productLine({ productId: 11, sku: 'MUG-1', name: 'Blue Mug' })]);
      assert.deepEqual(reply.items['line:11:0'], { itemId: existing.item_id, source: 'sku' });
      assert.equal(harness.zohoCallsSince(mark, connection).length, 1, 'one search_text call where it covers SKUs (the fake\'s default)');
      const [link] = await harness.links(connection);
      assert.deepEqual([link!.zoho_item_id, link!.matched_by, link!.sku], [existing.item_id, 'sku', 'MUG-1']);

      const audit: Array<{ service: string; action: string; resource_id: string; detail: { zohoCalls?: Array<{ path: string; responseBody?: unknown }> } }> =
        await harness.db.dataSource.query('SELECT service, action, resource_id, detail FROM audit_entries WHERE connection_id = $1', [connection.id]);
      assert.equal(audit.length, 1);
      assert.deepEqual([audit[0]!.service, audit[0]!.action, audit[0]!.resource_id], ['catalog-sync', 'match-item', '11']);
      assert.ok(audit[0]!.detail.zohoCalls?.some((call) => call.path === '/items' && call.responseBody), 'the Zoho call and its response are audited');
      assert.doesNotMatch(JSON.stringify(audit), /oauthtoken|access_token|1000\./i, 'no token in the audit trail');
    });

    test('a Zoho item whose SKU differs only in case is the product\'s item: linked by SKU, nothing created', async () => {
      const connection = await harness.connect();
      const existing = await connection.books.createItem({ name: 'Blue Mug Deluxe', rate: 12, sku: 'mug-1' });
      const mark = harness.zoho.mark();
      const line = productLine({ productId: 11, sku: 'MUG-1', name: 'Blue Mug' });
      assert.deepEqual((await harness.ensureItems(connection, [line])).items[line.key], { itemId: existing.item_id, source: 'sku' });
      assert.deepEqual(creates(harness.zohoCallsSince(mark, connection)), [], 'no POST /items (Zoho would refuse the SKU)');
      assert.deepEqual(harness.zoho.items(connection.orgId).map((item) => item.item_id), [existing.item_id]);
    });

    test('matches by name when the product has no SKU', async () => {
      const connection = await harness.connect();
      const existing = await connection.books.createItem({ name: 'Tea Towel', rate: 5 });
      const reply = await harness.ensureItems(connection, [productLine({ productId: 12, name: 'Tea Towel' })]);
      assert.deepEqual(reply.items['line:12:0'], { itemId: existing.item_id, source: 'name' });
    });

    test('creates a missing item with name, SKU, rate and description; the next order costs no Zoho call', async () => {
      const connection = await harness.connect();
      const line = productLine({ productId: 13, sku: 'APRON-1', name: 'Linen &amp; Cotton Apron', rate: '24.50', description: 'Size: M' });
      const first = await harness.ensureItems(connection, [line]);
      assert.equal(first.items[line.key]!.source, 'created');
      const [item] = harness.zoho.items(connection.orgId);
      assert.deepEqual([item!.item_id, item!.name, item!.sku, item!.rate, item!.description], [first.items[line.key]!.itemId, 'Linen & Cotton Apron', 'APRON-1', 24.5, 'Size: M']);

      const mark = harness.zoho.mark();
      const second = await harness.ensureItems(connection, [line]);
      assert.deepEqual(second.items[line.key], { itemId: item!.item_id, source: 'link' });
      assert.equal(harness.zohoCallsSince(mark, connection).length, 0);
    });

    test('variations are distinct items, even when two share a name and have no SKU', async () => {
      const connection = await harness.connect();
      const reply = await harness.ensureItems(connection, [
        productLine({ key: 'red', productId: 20, variationId: 201, sku: 'TEE-R', name: 'Tee - Red' }),
        productLine({ key: 'blue', productId: 20, variationId: 202, sku: 'TEE-B', name: 'Tee - Blue' }),
        productLine({ key: 'h1', productId: 30, variationId: 301, name: 'Hoodie' }),
        productLine({ key: 'h2', productId: 30, variationId: 302, name: 'Hoodie' }),
      ]);
      const ids = ['red', 'blue', 'h1', 'h2'].map((key) => reply.items[key]!.itemId);
      assert.equal(new Set(ids).size, 4);
      assert.deepEqual(harness.zoho.items(connection.orgId).map((item) => item.name).sort(), ['Hoodie', 'Hoodie (variation 302)', 'Tee - Blue', 'Tee - Red']);
    });

    test('20 concurrent requests for one new SKU create exactly one Zoho item', async () => {
      const connection = await harness.connect();
      const mark = harness.zoho.mark();
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => harness.ensureItems(connection, [productLine({ key: 'lamp', productId: 50, sku: 'LAMP-9', name: 'Desk Lamp', rate: '39.90' })])),
      );
      const ids = new Set(replies.map((reply) => reply.items.lamp!.itemId));
      assert.equal(ids.size, 1);
      assert.equal(replies.filter((reply) => reply.items.lamp!.source === 'created').length, 1);
      assert.equal(creates(harness.zohoCallsSince(mark, connection)).length, 1);
      assert.equal(harness.zoho.items(connection.orgId).length, 1);
    });

    test('a pinned link wins over a SKU match and costs no Zoho call', async () => {
      const connection = await harness.connect();
      await connection.books.createItem({ name: 'Candle', rate: 8, sku: 'CANDLE-1' });
      const chosen = await connection.books.createItem({ name: 'Candle (gift set)', rate: 20 });
      await harness.db.dataSource.query(
        `INSERT INTO item_links (connection_id, product_id, variation_id, name, zoho_item_id, matched_by, pinned)
         VALUES ($1, 60, 0, 'Candle', $2, 'pinned', true)`,
        [connection.id, chosen.item_id],
      );
      const mark = harness.zoho.mark();
      const reply = await harness.ensureItems(connection, [productLine({ productId: 60, sku: 'CANDLE-1', name: 'Candle' })]);
      assert.deepEqual(reply.items['line:60:0'], { itemId: chosen.item_id, source: 'pinned' });
      assert.equal(harness.zohoCallsSince(mark, connection).length, 0);
    });

    test('shipping and fee items are created once per connection', async () => {
      const connection = await harness.connect();
      const first = await harness.ensureItems(connection, [SHIPPING, FEE]);
      const second = await harness.ensureItems(connection, [SHIPPING, FEE]);
      assert.deepEqual([first.items.shipping!.source, first.items.fee!.source], ['created', 'created']);
      assert.deepEqual(second.items, { shipping: { itemId: first.items.shipping!.itemId, source: 'link' }, fee: { itemId: first.items.fee!.itemId, source: 'link' } });
      assert.deepEqual(harness.zoho.items(connection.orgId).map((item) => [item.name, item.product_type]).sort(), [['Fees', 'service'], ['Shipping', 'service']]);
      const links = await harness.links(connection);
      assert.deepEqual(links.map((link) => [link.product_id, link.name]), [['-2', 'Fees'], ['-1', 'Shipping']]);
    });

    test("an owner's existing Shipping item is linked, not duplicated", async () => {
      const connection = await harness.connect();
      const existing = await connection.books.createItem({ name: 'shipping', rate: 0, product_type: 'service' });
      const reply = await harness.ensureItems(connection, [SHIPPING]);
      assert.deepEqual(reply.items.shipping, { itemId: existing.item_id, source: 'name' });
      assert.equal(harness.zoho.items(connection.orgId).length, 1);
    });

    test('a name held by an item with another SKU gets a distinct item after Zoho reports the duplicate', async () => {
      const connection = await harness.connect();
      await connection.books.createItem({ name: 'Canvas Bag', rate: 15, sku: 'BAG-OLD' });
      const reply = await harness.ensureItems(connection, [productLine({ key: 'bag', productId: 70, sku: 'BAG-NEW', name: 'Canvas Bag' })]);
      assert.equal(reply.items.bag!.source, 'created');
      const created = harness.zoho.items(connection.orgId).find((item) => item.item_id === reply.items.bag!.itemId);
      assert.deepEqual([created!.name, created!.sku], ['Canvas Bag (SKU BAG-NEW)', 'BAG-NEW']);
    });

    test('a create whose response was lost is found on the retry instead of made twice', async () => {
      const connection = await harness.connect();
      harness.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/items' });
      const line = productLine({ key: 'vase', productId: 80, sku: 'VASE-1', name: 'Glass Vase' });
      await assert.rejects(harness.ensureItems(connection, [line]), (error: Error) => error instanceof TransientError);
      const retry = await harness.ensureItems(connection, [line]);
      assert.equal(retry.items.vase!.source, 'sku');
      assert.equal(harness.zoho.items(connection.orgId).length, 1);
    });

    test('Zoho 4xx is permanent, 5xx and 409 are worth a retry', async () => {
      const connection = await harness.connect();
      const line = productLine({ key: 'x', productId: 90, sku: 'ERR-1', name: 'Error Probe' });
      harness.zoho.faults.next(1, { status: 400, code: 2, message: 'Invalid value passed for rate', match: { method: 'POST', pathPrefix: '/items' } });
      await assert.rejects(harness.ensureItems(connection, [line]), (error: Error) => error instanceof PermanentError && /Invalid value passed for rate/.test(error.message));
      harness.zoho.faults.next(1, { status: 500, code: 1000, message: 'Internal error', match: { method: 'POST', pathPrefix: '/items' } });
      await assert.rejects(harness.ensureItems(connection, [line]), (error: Error) => error instanceof TransientError);
      harness.zoho.faults.next(1, { status: 409, code: 9, message: 'Conflict', match: { method: 'POST', pathPrefix: '/items' } });
      await assert.rejects(harness.ensureItems(connection, [line]), (error: Error) => error instanceof TransientError);
      const failures: Array<{ outcome: string }> = await harness.db.dataSource.query(
        `SELECT outcome FROM audit_entries WHERE connection_id = $1 AND action = 'resolve-item' AND resource_id = '90' ORDER BY id`,
        [connection.id],
      );
      assert.deepEqual(failures.map((f) => f.outcome), ['failed', 'retrying', 'retrying']);
    });

    test('an unknown connection is a permanent error', async () => {
      await assert.rejects(
        harness.rpc.call(RPC.ensureItems, { connectionId: '00000000-0000-4000-8000-000000000000', lines: [SHIPPING] }),
        (error: Error) => error instanceof PermanentError,
      );
    });
  });

  describe('ensure-items after Zoho refused a document with these items (refusedItemIds)', () => {
    /** A product matched to an item already in Zoho (as the catalogue import at setup would), then that item deleted there. */
    async function linkedThenDeleted(connection: TestConnection, line: ItemRequestLine): Promise<string> {
      const item = await connection.books.createItem({ name: `${line.name} (Zoho)`, rate: 10, sku: line.sku! });
      assert.equal((await harness.ensureItems(connection, [line])).items[line.key]!.source, 'sku');
      harness.zoho.deleteItem(connection.orgId, item.item_id);
      return item.item_id;
    }

    test('a linked item deleted in Zoho is asked for once, forgotten and replaced; the next order uses the new link without Zoho', async () => {
      const connection = await harness.connect();
      const line = productLine({ productId: 100, sku: 'CUP-1', name: 'Tea Cup' });
      const deleted = await linkedThenDeleted(connection, line);

      const mark = harness.zoho.mark();
      const reply = await harness.ensureItems(connection, [line], { refusedItemIds: [deleted, deleted] });
      assert.deepEqual(reply.refused, [{ itemId: deleted, state: 'gone' }]);
      const replacement = reply.items[line.key]!;
      assert.equal(replacement.source, 'created');
      assert.notEqual(replacement.itemId, deleted);
      const calls = harness.zohoCallsSince(mark, connection);
      assert.equal(itemGets(calls, deleted).length, 1);
      assert.equal(creates(calls).length, 1);
      assert.deepEqual(harness.zoho.items(connection.orgId).map((item) => [item.item_id, item.sku]), [[replacement.itemId, 'CUP-1']]);
      const [link] = await harness.links(connection);
      assert.deepEqual([link!.zoho_item_id, link!.matched_by], [replacement.itemId, 'created']);

      const checks: Array<{ resource_id: string | null; outcome: string; message: string; detail: { itemId: string; state: string; zohoCalls: Array<{ path: string }> } }> =
        await harness.db.dataSource.query(
          `SELECT resource_id, outcome, message, detail FROM audit_entries WHERE connection_id = $1 AND action = 'check-refused-item'`,
          [connection.id],
        );
      assert.equal(checks.length, 1);
      assert.deepEqual([checks[0]!.resource_id, checks[0]!.outcome, checks[0]!.detail.itemId, checks[0]!.detail.state], [null, 'ok', deleted, 'gone']);
      assert.equal(checks[0]!.message, `Zoho item ${deleted} no longer exists (deleted there); cleared 1 link to it`);
      assert.ok(checks[0]!.detail.zohoCalls.some((call) => call.path === `/items/${deleted}`), 'the GET is audited');

      const next = harness.zoho.mark();
      const again = await harness.ensureItems(connection, [line]);
      assert.deepEqual(again, { items: { [line.key]: { itemId: replacement.itemId, source: 'link' } } });
      assert.equal(harness.zohoCallsSince(next, connection).length, 0);
    });

    test('an item its owner re-created by hand with the same SKU is found and linked, nothing is created', async () => {
      const connection = await harness.connect();
      const line = productLine({ productId: 110, sku: 'SOAP-1', name: 'Olive Soap' });
      const deleted = await linkedThenDeleted(connection, line);
      const remade = harness.zoho.createItem(connection.orgId, { name: 'Olive Soap bar', rate: 4, sku: 'SOAP-1' });

      const mark = harness.zoho.mark();
      const reply = await harness.ensureItems(connection, [line], { refusedItemIds: [deleted] });
      assert.deepEqual(reply, { items: { [line.key]: { itemId: remade.item_id, source: 'sku' } }, refused: [{ itemId: deleted, state: 'gone' }] });
      assert.equal(creates(harness.zohoCallsSince(mark, connection)).length, 0);
      const [link] = await harness.links(connection);
      assert.deepEqual([link!.zoho_item_id, link!.matched_by], [remade.item_id, 'sku']);
    });

    test("every product linked to the deleted item forgets it, so none gets it back through another's SKU link", async () => {
      const connection = await harness.connect();
      const line = productLine({ productId: 120, sku: 'PEN-1', name: 'Fountain Pen' });
      const twin = productLine({ productId: 121, sku: 'PEN-1', name: 'Fountain Pen (old listing)' });
      const deleted = await linkedThenDeleted(connection, line);
      assert.deepEqual((await harness.ensureItems(connection, [twin])).items[twin.key], { itemId: deleted, source: 'sku' });

      // Only one of them is in the refused order; the other's link would hand the gone item back by SKU.
      const reply = await harness.ensureItems(connection, [line], { refusedItemIds: [deleted] });
      assert.deepEqual(reply.refused, [{ itemId: deleted, state: 'gone' }]);
      const replacement = reply.items[line.key]!;
      assert.equal(replacement.source, 'created');
      assert.notEqual(replacement.itemId, deleted);
      assert.deepEqual((await harness.links(connection)).map((link) => [link.product_id, link.zoho_item_id]), [['120', replacement.itemId], ['121', null]]);
      const [check] = (await harness.audit(connection)).filter((entry) => entry.action === 'check-refused-item');
      assert.match(check!.message, /cleared 2 links to it$/);

      assert.deepEqual((await harness.ensureItems(connection, [twin])).items[twin.key], { itemId: replacement.itemId, source: 'sku' });
      assert.equal(harness.zoho.items(connection.orgId).length, 1);
    });

    test('a product pinned to the deleted item is not re-matched: the request fails permanently saying how to pin another item', async () => {
      const connection = await harness.connect();
      const chosen = await connection.books.createItem({ name: 'Desk Lamp (chosen)', rate: 30 });
      await harness.db.dataSource.query(
        `INSERT INTO item_links (connection_id, product_id, variation_id, sku, name, zoho_item_id, matched_by, pinned)
         VALUES ($1, 130, 0, 'LAMP-P', 'Desk Lamp', $2, 'pinned', true)`,
        [connection.id, chosen.item_id],
      );
      harness.zoho.deleteItem(connection.orgId, chosen.item_id);
      const line = productLine({ productId: 130, sku: 'LAMP-P', name: 'Desk Lamp' });

      const mark = harness.zoho.mark();
      const expected =
        `product 130 SKU LAMP-P "Desk Lamp" is pinned to Zoho item ${chosen.item_id}, which no longer exists in Zoho (deleted there); ` +
        `pin it to another item (connector products pin ${connection.id} 130 <zohoItemId>) ` +
        `or unpin it to have it matched again (connector products unpin ${connection.id} 130)`;
      await assert.rejects(
        harness.ensureItems(connection, [line, SHIPPING], { refusedItemIds: [chosen.item_id] }),
        (error: Error) => error instanceof PermanentError && error.message === expected,
      );
      assert.equal(creates(harness.zohoCallsSince(mark, connection)).length, 0);
      const links: Array<{ zoho_item_id: string; matched_by: string; pinned: boolean }> = await harness.db.dataSource.query(
        'SELECT zoho_item_id, matched_by, pinned FROM item_links WHERE connection_id = $1',
        [connection.id],
      );
      assert.deepEqual(links, [{ zoho_item_id: chosen.item_id, matched_by: 'pinned', pinned: true }]);
      const entries = await harness.audit(connection);
      assert.deepEqual(entries.map((entry) => [entry.action, entry.outcome, entry.message]), [['check-refused-item', 'failed', expected]]);
    });

    test('an item that still exists is reported active or inactive and stays linked', async () => {
      const connection = await harness.connect();
      const kept = productLine({ key: 'kept', productId: 140, sku: 'JAR-1', name: 'Honey Jar' });
      const retired = productLine({ key: 'retired', productId: 141, sku: 'JAR-2', name: 'Jam Jar' });
      const first = await harness.ensureItems(connection, [kept, retired]);
      const [keptId, retiredId] = [first.items.kept!.itemId, first.items.retired!.itemId];
      await harness.markItemInactive(connection, retiredId);

      const mark = harness.zoho.mark();
      const reply = await harness.ensureItems(connection, [kept, retired], { refusedItemIds: [keptId, retiredId] });
      assert.deepEqual(reply, {
        items: { kept: { itemId: keptId, source: 'link' }, retired: { itemId: retiredId, source: 'link' } },
        refused: [{ itemId: keptId, state: 'active' }, { itemId: retiredId, state: 'inactive' }],
      });
      const calls = harness.zohoCallsSince(mark, connection);
      assert.deepEqual(calls.map((call) => `${call.method} ${call.resourcePath}`), [`GET /items/${keptId}`, `GET /items/${retiredId}`]);
      const checks = (await harness.audit(connection)).filter((entry) => entry.action === 'check-refused-item').map((entry) => entry.message);
      assert.deepEqual(checks, [`Zoho item ${keptId} still exists (active); its links are kept`, `Zoho item ${retiredId} still exists (inactive); its links are kept`]);
    });

    test('a dry run ignores refusedItemIds: no Zoho call, links kept', async () => {
      const connection = await harness.connect();
      const line = productLine({ productId: 150, sku: 'BOWL-1', name: 'Salad Bowl' });
      const deleted = await linkedThenDeleted(connection, line);

      const mark = harness.zoho.mark();
      const reply = await harness.ensureItems(connection, [line], { refusedItemIds: [deleted], dryRun: true });
      assert.deepEqual(reply, { items: { [line.key]: { itemId: deleted, source: 'link' } } });
      assert.equal(harness.zohoCallsSince(mark, connection).length, 0);
      assert.equal((await harness.links(connection))[0]!.zoho_item_id, deleted);
    });

    test('malformed item ids are a permanent error; a Zoho failure of the check propagates, classified and audited', async () => {
      const connection = await harness.connect();
      const line = productLine({ productId: 160, sku: 'FORK-1', name: 'Fork' });
      await assert.rejects(
        harness.ensureItems(connection, [line], { refusedItemIds: ['../contacts'] }),
        (error: Error) => error instanceof PermanentError && /refusedItemIds must be a list of Zoho item ids/.test(error.message),
      );
      const itemId = (await harness.ensureItems(connection, [line])).items[line.key]!.itemId;
      harness.zoho.faults.next(1, { status: 500, code: 1000, message: 'Internal error', match: { method: 'GET', pathPrefix: `/items/${itemId}` } });
      await assert.rejects(harness.ensureItems(connection, [line], { refusedItemIds: [itemId] }), (error: Error) => error instanceof TransientError);
      const failures = (await harness.audit(connection)).filter((entry) => entry.action === 'check-refused-item');
      assert.deepEqual(failures.map((entry) => entry.outcome), ['retrying']);
      assert.equal((await harness.links(connection))[0]!.zoho_item_id, itemId, 'an unanswered check forgets nothing');
    });
  });

  describe('product events', () => {
    test('product.created stores the SKU and name and links the matching Zoho item; an update re-resolves it', async () => {
      const connection = await harness.connect();
      const mug = await connection.books.createItem({ name: 'Mug', rate: 7, sku: 'MUG-A' });
      const jug = await connection.books.createItem({ name: 'Jug', rate: 9, sku: 'JUG-A' });
      await harness.publishProduct(connection, 'created', wooProduct({ id: 501, name: 'Mug', sku: 'MUG-A' }));
      await eventually(async () => (await harness.links(connection)).find((link) => link.zoho_item_id === mug.item_id));

      await harness.publishProduct(connection, 'updated', wooProduct({ id: 501, name: 'Big Jug', sku: 'JUG-A' }));
      const [link] = await eventually(async () => {
        const links = await harness.links(connection);
        return links[0]?.zoho_item_id === jug.item_id ? links : undefined;
      });
      assert.deepEqual([link!.product_id, link!.sku, link!.name, link!.matched_by], ['501', 'JUG-A', 'Big Jug', 'sku']);
    });

    test('a variation event links the variation; unmatched products are stored unmapped, deletions and variable parents are skipped', async () => {
      const connection = await harness.connect();
      const red = await connection.books.createItem({ name: 'Scarf - Red', rate: 19 });
      await harness.publishProduct(connection, 'updated', wooProduct({ id: 611, name: 'Scarf - Red', type: 'variation', parent_id: 610 }));
      await harness.publishProduct(connection, 'updated', wooProduct({ id: 610, name: 'Scarf', type: 'variable', variations: [611] }));
      await harness.publishProduct(connection, 'created', wooProduct({ id: 620, name: 'Brand New Thing', sku: 'NEW-620' }));
      await harness.publishProduct(connection, 'deleted', { id: 630 });
      const settled = await eventually(async () => {
        const entries = await harness.audit(connection);
        return entries.length === 4 ? entries : undefined;
      });
      // Events are handled concurrently, so the entries are compared in resource order.
      assert.deepEqual(
        settled.map((entry) => [entry.resource_id, entry.action, entry.outcome]).sort(),
        [['610', 'skip', 'skipped'], ['610:611', 'match-item', 'ok'], ['620', 'unmapped', 'skipped'], ['630', 'skip', 'skipped']],
      );
      assert.ok(settled.every((entry) => entry.stream_seq !== null));
      const links = await harness.links(connection);
      assert.deepEqual(
        links.map((link) => [link.product_id, link.variation_id, link.zoho_item_id]),
        [['610', '611', red.item_id], ['620', '0', null]],
      );
      assert.equal(harness.zoho.items(connection.orgId).length, 1, 'product events never create items');
    });
  });

  describe('catalogue import (RPC.syncCatalog)', () => {
    let store: FakeWooStore;
    before(async () => {
      store = await FakeWooStore.start();
    });
    after(() => store?.stop());

    test('reads every page of products and variations, links SKU and name matches and lists the rest as unmapped', async () => {
      const connection = await harness.connect({ url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret });
      const pad = (n: number) => String(n).padStart(3, '0');
      const products = Array.from({ length: 105 }, (_, i) => {
        const n = i + 1;
        const hasSku = n <= 30 || n > 40;
        return store.createProduct({ name: `Product ${pad(n)}`, regularPrice: '5.00', ...(hasSku ? { sku: `CAT-${pad(n)}` } : {}) });
      });
      const sweater = store.createVariableProduct({
        name: 'Sweater',
        attributes: [{ name: 'Size', options: ['S', 'M', 'L'] }],
        variations: ['S', 'M', 'L'].map((size) => ({ sku: `SW-${size}`, regularPrice: '40.00', attributes: { Size: size } })),
      });
      // 30 items found by SKU (under other names), 10 by name (products without SKU), 1 variation by SKU.
      for (let n = 1; n <= 30; n++) await connection.books.createItem({ name: `Zoho name ${n}`, rate: 5, sku: `CAT-${pad(n)}` });
      for (let n = 31; n <= 40; n++) await connection.books.createItem({ name: `Product ${pad(n)}`, rate: 5 });
      const medium = await connection.books.createItem({ name: 'Sweater M', rate: 40, sku: 'SW-M' });
      const pinnedTo = await connection.books.createItem({ name: 'Chosen by hand', rate: 1 });
      const pinnedProduct = products[104]!;
      await harness.db.dataSource.query(
        `INSERT INTO item_links (connection_id, product_id, variation_id, name, zoho_item_id, matched_by, pinned) VALUES ($1, $2, 0, 'x', $3, 'pinned', true)`,
        [connection.id, pinnedProduct.id, pinnedTo.item_id],
      );
      const requestsBefore = store.requests.length;

      const reply = await harness.syncCatalog(connection);
      assert.deepEqual(reply, { products: 108, matched: 42, unmatched: 66 });

      const pages = store.requests.slice(requestsBefore).filter((r) => r.route === '/wc/v3/products');
      assert.deepEqual(pages.map((r) => [r.query.page, r.query.per_page]), [['1', '100'], ['2', '100']]);
      const links = await harness.links(connection);
      assert.equal(links.length, 108);
      const byProduct = new Map(links.map((link) => [`${link.product_id}:${link.variation_id}`, link]));
      assert.equal(byProduct.get(`${products[0]!.id}:0`)!.matched_by, 'sku');
      assert.equal(byProduct.get(`${products[35]!.id}:0`)!.matched_by, 'name');
      assert.deepEqual([byProduct.get(`${products[60]!.id}:0`)!.zoho_item_id, byProduct.get(`${products[60]!.id}:0`)!.sku], [null, 'CAT-061']);
      assert.equal(byProduct.get(`${pinnedProduct.id}:0`)!.zoho_item_id, pinnedTo.item_id);
      const variationLinks = links.filter((link) => link.product_id === String(sweater.parent.id));
      assert.deepEqual(
        variationLinks.map((link) => [link.sku, link.name, link.zoho_item_id]).sort(),
        [['SW-L', 'Sweater - L', null], ['SW-M', 'Sweater - M', medium.item_id], ['SW-S', 'Sweater - S', null]],
      );
      assert.equal(harness.zoho.items(connection.orgId).length, 42, 'the import creates nothing in Zoho');
      const summary: Array<{ message: string; detail: { zohoCalls: unknown[] } }> = await harness.db.dataSource.query(
        `SELECT message, detail FROM audit_entries WHERE connection_id = $1 AND action = 'sync-catalog'`,
        [connection.id],
      );
      assert.match(summary[0]!.message, /108 products and variations: 42 mapped, 66 unmapped/);
      assert.ok(summary[0]!.detail.zohoCalls.length >= 1);

      // An order creates an unmapped product's item; the next import finds it and still creates nothing.
      const line = productLine({ productId: products[60]!.id, sku: 'CAT-061', name: 'Product 061' });
      assert.equal((await harness.ensureItems(connection, [line])).items[line.key]!.source, 'created');
      assert.deepEqual(await harness.syncCatalog(connection), { products: 108, matched: 43, unmatched: 65 });
      assert.equal(harness.zoho.items(connection.orgId).length, 43);
    });
  });
});
