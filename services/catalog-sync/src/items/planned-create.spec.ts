import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import type { ZohoBooksClient, ZohoItem } from '@connector/zoho-books';
import type { ItemIdentity } from './item-identity';
import { plannedCreate } from './planned-create';
import { ZohoItemIndex } from './zoho-item-index';

/** The index of an organization holding `items` (ZohoItemIndex reads them from listItems). */
const indexOf = (items: Array<Pick<ZohoItem, 'item_id' | 'name' | 'sku'>>) =>
  ZohoItemIndex.load({
    async *listItems() {
      for (const item of items) yield { rate: 1, ...item };
    },
  } as unknown as ZohoBooksClient);

const product = (changes: Partial<ItemIdentity>): ItemIdentity => ({ kind: 'product', productId: 11, variationId: 0, name: 'Blue Mug', sku: 'MUG-1', ...changes });

test('an item holding the SKU under another name is the one the live run links after its refused create', async () => {
  const index = await indexOf([{ item_id: '1', name: 'Blue Mug (old listing)', sku: 'mug-1' }]);
  const planned = plannedCreate(index, product({}));
  assert.deepEqual([planned.found?.item.item_id, planned.found?.matchedBy, planned.identity.name], ['1', 'sku', 'Blue Mug']);
});

test('nothing holding the SKU or name: the item is created as it is', async () => {
  const planned = plannedCreate(await indexOf([{ item_id: '1', name: 'Cup', sku: 'CUP-9' }]), product({}));
  assert.equal(planned.found, undefined);
  assert.equal(planned.identity.name, 'Blue Mug');
});

test('a name held by an item with another SKU: the item is created under a distinct name', async () => {
  const planned = plannedCreate(await indexOf([{ item_id: '1', name: 'Canvas Bag', sku: 'BAG-OLD' }]), product({ name: 'Canvas Bag', sku: 'BAG-NEW' }));
  assert.equal(planned.found, undefined);
  assert.equal(planned.identity.name, 'Canvas Bag (SKU BAG-NEW)');
});

test('a distinct name that an item with the SKU already has is that item', async () => {
  const index = await indexOf([
    { item_id: '1', name: 'Canvas Bag', sku: 'BAG-OLD' },
    { item_id: '2', name: 'Canvas Bag (SKU BAG-NEW)' },
  ]);
  const planned = plannedCreate(index, product({ name: 'Canvas Bag', sku: 'BAG-NEW' }));
  assert.deepEqual([planned.found?.item.item_id, planned.found?.matchedBy], ['2', 'name']);
});

test('a name that cannot be made distinct fails as the live create would', async () => {
  const index = await indexOf([{ item_id: '1', name: 'Thing (SKU T-1)', sku: 'OTHER' }]);
  assert.throws(() => plannedCreate(index, product({ name: 'Thing (SKU T-1)', sku: 'T-1' })), (error: Error) => error instanceof PermanentError && /Thing \(SKU T-1\)/.test(error.message));
});
