import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionEntity } from '@connector/persistence';
import { normalizeStoreUrl } from '@connector/woocommerce';
import { connectionsBookingTheSame, storeIdentity } from './duplicate-connection';

const identity = (url: string) => storeIdentity(normalizeStoreUrl(url, { allowPrivate: true }));

test('one store however its address is written: scheme, www, host case, trailing slash, admin page', () => {
  const forms = ['https://shop.example.com', 'http://shop.example.com/', 'https://WWW.Shop.Example.com', 'shop.example.com/wp-admin/edit.php?post_type=shop_order', 'https://www.shop.example.com/wp-json/wc/v3/'];
  assert.deepEqual(new Set(forms.map(identity)), new Set(['shop.example.com']));
});

test('a sub-directory site, another port or another host is another store', () => {
  const stores = ['https://example.com', 'https://example.com/shop', 'https://example.com:8443', 'https://shop2.example.com', 'https://wwwshop.example.com'];
  assert.equal(new Set(stores.map(identity)).size, stores.length);
});

test('only a known organization is compared; live connections come before deleted ones', () => {
  const row = (id: string, storeUrl: string, org: string | null, deletedAt: Date | null = null) => ({ id, storeUrl, zohoOrganizationId: org, deletedAt }) as ConnectionEntity;
  const all = [row('deleted', 'https://www.shop.example.com', '1', new Date()), row('live', 'https://shop.example.com', '1'), row('other-org', 'https://shop.example.com', '2'), row('unresolved', 'https://shop.example.com', null)];
  assert.deepEqual(connectionsBookingTheSame(all, 'http://shop.example.com', '1').map((c) => c.id), ['live', 'deleted']);
  assert.deepEqual(connectionsBookingTheSame(all, 'https://shop.example.com', null), []);
  assert.deepEqual(connectionsBookingTheSame(all, 'https://other.example.com', '1'), []);
});
