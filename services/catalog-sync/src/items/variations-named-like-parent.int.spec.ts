import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { Harness, productLine, TestConnection, wooProduct } from './catalog-sync.fixture';

/*
 * WooCommerce names a variation exactly like its parent when it has 3 or more attributes (or 2,
 * one of them a two-word name), and such variations often have no SKU. Orders keep them apart
 * ("Hoodie", "Hoodie (variation N)"); the catalogue import and product events must not fold them
 * back onto one item by name.
 */
describe('variations named like their parent, without SKU', () => {
  const harness = new Harness();
  let store: FakeWooStore;

  before(async () => {
    await harness.start();
    store = await FakeWooStore.start();
  });
  after(async () => {
    await store?.stop();
    await harness.stop();
  });

  /** A variable "Hoodie" whose two SKU-less variations the fake store names "Hoodie", as WooCommerce does. */
  function hoodie() {
    const product = store.createVariableProduct({
      name: 'Hoodie',
      attributes: [{ name: 'Color', options: ['Red'] }, { name: 'Size', options: ['S', 'M'] }, { name: 'Fit', options: ['Slim'] }],
      variations: ['S', 'M'].map((size) => ({ regularPrice: '40.00', attributes: { Color: 'Red', Size: size, Fit: 'Slim' } })),
    });
    const [a, b] = product.variations;
    assert.deepEqual([a!.name, b!.name], ['Hoodie', 'Hoodie']);
    return { productId: product.parent.id, a: a!.id, b: b!.id };
  }

  const connect = () => harness.connect({ url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret });

  async function orderBoth(connection: TestConnection, { productId, a, b }: ReturnType<typeof hoodie>) {
    const reply = await harness.ensureItems(connection, [
      productLine({ key: 'a', productId, variationId: a, name: 'Hoodie' }),
      productLine({ key: 'b', productId, variationId: b, name: 'Hoodie' }),
    ]);
    return { a: reply.items.a!.itemId, b: reply.items.b!.itemId };
  }

  async function itemsOf(connection: TestConnection, { productId, a, b }: ReturnType<typeof hoodie>) {
    const links = await harness.links(connection);
    const itemOf = (variationId: number) => links.find((link) => link.product_id === String(productId) && link.variation_id === String(variationId))?.zoho_item_id;
    return { a: itemOf(a), b: itemOf(b) };
  }

  test('ordered first, then imported twice: each variation keeps the item its order gave it', async () => {
    const connection = await connect();
    const product = hoodie();
    const ordered = await orderBoth(connection, product);
    assert.notEqual(ordered.a, ordered.b);

    await harness.syncCatalog(connection);
    await harness.syncCatalog(connection);
    assert.deepEqual(await itemsOf(connection, product), ordered);
    assert.deepEqual(harness.zoho.items(connection.orgId).map((item) => item.name).sort(), ['Hoodie', `Hoodie (variation ${product.b})`]);
  });

  test('a product event for the second variation keeps its own item', async () => {
    const connection = await connect();
    const product = hoodie();
    const ordered = await orderBoth(connection, product);

    await harness.publishProduct(connection, 'updated', wooProduct({ id: product.b, name: 'Hoodie', type: 'variation', parent_id: product.productId }));
    const entry = await eventually(async () => (await harness.audit(connection)).find((e) => e.resource_id === `${product.productId}:${product.b}` && e.stream_seq !== null));
    assert.deepEqual([entry.action, entry.outcome], ['refresh-link', 'ok']);
    assert.deepEqual(await itemsOf(connection, product), ordered);
  });

  test('an item "Hoodie" made by hand before the first import goes to one variation only', async () => {
    const connection = await connect();
    const handMade = await connection.books.createItem({ name: 'Hoodie', rate: 40 });
    const product = hoodie();

    await harness.syncCatalog(connection);
    // Whichever variation the store lists first holds the plain name; the other is told apart.
    const imported = await itemsOf(connection, product);
    assert.deepEqual([imported.a, imported.b].sort(), [handMade.item_id, null].sort());
    const ordered = await orderBoth(connection, product);
    assert.deepEqual([ordered.a, ordered.b].filter((id) => id === handMade.item_id), [handMade.item_id]);
    assert.notEqual(ordered.a, ordered.b);

    await harness.syncCatalog(connection);
    await harness.syncCatalog(connection);
    assert.deepEqual(await itemsOf(connection, product), ordered);
  });

  test('a name match never moves a link whose item still exists, and takes over once that item is deleted in Zoho', async () => {
    const connection = await connect();
    const lamp = store.createProduct({ name: 'Desk Lamp', regularPrice: '25.00' });
    const line = productLine({ productId: lamp.id, name: 'Desk Lamp' });
    const created = (await harness.ensureItems(connection, [line])).items[line.key]!.itemId;
    // The owner renames the product; Zoho already has an item under the new name.
    store.updateProduct(lamp.id, { name: 'Lamp' });
    const other = await connection.books.createItem({ name: 'Lamp', rate: 20 });

    await harness.syncCatalog(connection);
    const kept = (await harness.links(connection)).find((link) => link.product_id === String(lamp.id))!;
    assert.deepEqual([kept.zoho_item_id, kept.name], [created, 'Lamp']);
    const keep = (await harness.audit(connection)).find((e) => e.action === 'keep-link' && e.resource_id === String(lamp.id));
    assert.match(keep!.message, new RegExp(`keeps Zoho item ${created}; Zoho item ${other.item_id} only has the same name`));

    harness.zoho.deleteItem(connection.orgId, created);
    await harness.syncCatalog(connection);
    const moved = (await harness.links(connection)).find((link) => link.product_id === String(lamp.id))!;
    assert.deepEqual([moved.zoho_item_id, moved.matched_by], [other.item_id, 'name']);
  });

  test('a product event keeps a link whose item exists over a name match, and moves one whose item was deleted in Zoho', async () => {
    const connection = await connect();
    const lineOf = (productId: number, name: string) => productLine({ productId, name });
    const kept = (await harness.ensureItems(connection, [lineOf(901, 'Desk Lamp')])).items['line:901:0']!.itemId;
    const gone = (await harness.ensureItems(connection, [lineOf(902, 'Floor Lamp')])).items['line:902:0']!.itemId;
    const lamp = await connection.books.createItem({ name: 'Lamp', rate: 20 });
    const bigLamp = await connection.books.createItem({ name: 'Big Lamp', rate: 30 });
    harness.zoho.deleteItem(connection.orgId, gone);

    await harness.publishProduct(connection, 'updated', wooProduct({ id: 901, name: 'Lamp' }));
    await harness.publishProduct(connection, 'updated', wooProduct({ id: 902, name: 'Big Lamp' }));
    await eventually(async () => ((await harness.audit(connection)).filter((e) => e.stream_seq !== null).length === 2 ? true : undefined));
    const links = await harness.links(connection);
    const itemOf = (productId: number) => links.find((link) => link.product_id === String(productId))!;
    assert.deepEqual([itemOf(901).zoho_item_id, itemOf(901).name], [kept, 'Lamp']);
    assert.notEqual(kept, lamp.item_id);
    assert.deepEqual([itemOf(902).zoho_item_id, itemOf(902).matched_by], [bigLamp.item_id, 'name']);
  });
});
