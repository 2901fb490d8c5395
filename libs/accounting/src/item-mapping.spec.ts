import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WooLineItem } from '@connector/contracts';
import { itemFromLine, itemFromProduct, itemKeyForLine, matchItem, sameSku, skuKey, type ZohoItemCandidate } from './item-mapping';
import { fixtures } from './test-support/fixtures';

function line(overrides: Partial<WooLineItem>): WooLineItem {
  return {
    id: 1,
    name: 'T-Shirt',
    product_id: 10,
    variation_id: 0,
    quantity: 1,
    tax_class: '',
    subtotal: '20.00',
    subtotal_tax: '0.00',
    total: '20.00',
    total_tax: '0.00',
    taxes: [],
    meta_data: [],
    sku: 'TS-1',
    price: 20,
    ...overrides,
  };
}

test('item key of the fixture lines', () => {
  const [single, variation] = fixtures.order().line_items;
  assert.deepEqual(itemKeyForLine(single), { sku: undefined, name: 'Woo Single #1', productId: 93, variationId: 0 });
  assert.deepEqual(itemKeyForLine(variation), { sku: 'Bar3', name: 'Ship Your Idea \u2013 Color: Black, Size: M Test', productId: 22, variationId: 23 });
});

test('variations are distinct items even when WooCommerce names them like the parent', () => {
  const meta = (color: string) => [
    { id: 1, key: 'pa_color', value: color.toLowerCase(), display_key: 'Color', display_value: color },
    { id: 2, key: 'pa_size', value: 'm', display_key: 'Size', display_value: 'M' },
    { id: 3, key: 'pa_fit', value: 'slim', display_key: 'Fit', display_value: 'Slim' },
  ];
  const red = itemKeyForLine(line({ variation_id: 11, parent_name: 'T-Shirt', meta_data: meta('Red'), sku: null }));
  const blue = itemKeyForLine(line({ variation_id: 12, parent_name: 'T-Shirt', meta_data: meta('Blue'), sku: null }));
  assert.equal(red.name, 'T-Shirt \u2013 Color: Red, Size: M, Fit: Slim');
  assert.notEqual(red.name, blue.name);
  assert.equal(red.sku, undefined);

  const titled = itemKeyForLine(line({ name: 'T-Shirt - Red', variation_id: 11, parent_name: 'T-Shirt', meta_data: meta('Red') }));
  assert.equal(titled.name, 'T-Shirt - Red');

  const bare = itemKeyForLine(line({ variation_id: 13, parent_name: 'T-Shirt' }));
  assert.equal(bare.name, 'T-Shirt (variation 13)');
});

test('truncation keeps the part that tells variations apart', () => {
  const parent = `Extremely ${'long '.repeat(40)}product`;
  const red = itemKeyForLine(line({ name: `${parent} - Red`, parent_name: parent, variation_id: 11 }));
  const blue = itemKeyForLine(line({ name: `${parent} - Blue`, parent_name: parent, variation_id: 12 }));
  assert.ok(red.name.length <= 100 && blue.name.length <= 100);
  assert.ok(red.name.endsWith(' - Red'));
  assert.ok(blue.name.endsWith(' - Blue'));
});

test('an item created from a line: pre-discount unit price at the currency decimals, attributes as description', () => {
  const [, variation] = fixtures.order().line_items;
  assert.deepEqual(itemFromLine(variation, 2), {
    name: 'Ship Your Idea \u2013 Color: Black, Size: M Test',
    rate: 12,
    product_type: 'goods',
    description: 'Color: black, Size: M Test',
    sku: 'Bar3',
  });
  const discounted = line({ quantity: 3, subtotal: '10.00', total: '9.00', price: 3 });
  assert.equal(itemFromLine(discounted, 2).rate, 3.33);
  assert.equal(itemFromLine(line({ quantity: 3, subtotal: '1000', total: '1000' }), 0).rate, 333);
});

test('items from catalogue products and variations', () => {
  const simple = itemFromProduct(fixtures.productSimple());
  assert.equal(simple.name, 'Premium Quality');
  assert.equal(simple.rate, 21.99);
  assert.equal(simple.sku, undefined);
  assert.equal(simple.description, 'Pellentesque habitant morbi tristique senectus et netus et malesuada fames ac turpis egestas.');

  const variation = itemFromProduct(fixtures.productVariation(), fixtures.productVariable());
  assert.deepEqual(variation, { name: 'Ship Your Idea - Black', rate: 9, product_type: 'goods' });
  assert.equal(itemFromProduct(fixtures.productVariation()).name, 'Variation 732 - Black', 'without its parent the name stays unique');
  assert.equal(itemFromProduct({ ...fixtures.productVariation(), name: 'Ship Your Idea &ndash; Black' }).name, 'Ship Your Idea \u2013 Black');
});

test('matchItem: SKU first (ignoring case), then name (case-insensitive)', () => {
  const items: ZohoItemCandidate[] = fixtures.zohoItems().items;
  const mug = { name: 'Blue Mug 350ml', productId: 1, variationId: 0 };
  assert.deepEqual(matchItem(items, { ...mug, sku: 'MUG-BLUE-350' }), { item: items[0], matchedBy: 'sku', ambiguous: false });
  // Zoho and WooCommerce both hold SKUs unique ignoring case: "mug-blue-350" is that item's SKU.
  assert.deepEqual(matchItem(items, { ...mug, name: 'Other', sku: 'mug-blue-350' }), { item: items[0], matchedBy: 'sku', ambiguous: false });
  assert.equal(matchItem(items, { ...mug, name: 'Other', sku: 'mug-blue-35' }), undefined);
  assert.equal(matchItem(items, { ...mug, name: '  blue MUG 350ml ' })?.matchedBy, 'name');

  const catalogue: ZohoItemCandidate[] = [
    { item_id: 'a', name: 'Hat', sku: 'HAT-1', status: 'inactive' },
    { item_id: 'b', name: 'Hat', sku: ' HAT-1 ', status: 'active' },
    { item_id: 'c', name: 'Scarf', sku: 'SC-9' },
    { item_id: 'd', name: 'Gloves', sku: '' },
  ];
  assert.deepEqual(matchItem(catalogue, { sku: 'HAT-1', name: 'x', productId: 1, variationId: 0 }), { item: catalogue[1], matchedBy: 'sku', ambiguous: false });
  // Same name, different SKU: another product, not a match.
  assert.equal(matchItem(catalogue, { sku: 'SC-10', name: 'Scarf', productId: 1, variationId: 0 }), undefined);
  assert.equal(matchItem(catalogue, { sku: 'GL-1', name: 'gloves', productId: 1, variationId: 0 })?.item.item_id, 'd');
  assert.equal(matchItem(catalogue, { name: 'Hat', productId: 1, variationId: 0 })?.ambiguous, false);
});

test('matchItem: a SKU differing only in case matches and the exact case breaks a tie', () => {
  const items: ZohoItemCandidate[] = [
    { item_id: 'lower', name: 'Blue Mug Deluxe', sku: 'mug-1', status: 'active' },
    { item_id: 'upper', name: 'Blue Mug', sku: ' MUG-1 ', status: 'active' },
    { item_id: 'stale', name: 'Mug', sku: 'Mug-1', status: 'inactive' },
  ];
  const key = { sku: 'MUG-1', name: 'Anything', productId: 1, variationId: 0 };
  assert.deepEqual(matchItem(items, key), { item: items[1], matchedBy: 'sku', ambiguous: false });
  assert.deepEqual(matchItem([items[0]!], key), { item: items[0], matchedBy: 'sku', ambiguous: false });
  // Being active still comes first: the exact case only breaks a tie.
  assert.equal(matchItem([items[2]!, items[0]!], { ...key, sku: 'Mug-1' })?.item.item_id, 'lower');
  assert.equal(sameSku(' ABC ', 'abc'), true);
  assert.equal(sameSku('', ''), false);
  assert.equal(skuKey(' Ab-1 '), 'ab-1');
});
