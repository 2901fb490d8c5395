import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { orderContentHash } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';
import { KeyRing, SecretBox } from '@connector/crypto';
import { ConnectionStore } from '@connector/persistence';
import { createTestDatabase, TestDatabase, testEncryptionKeys, wooFixture } from '@connector/testing';
import { PipelineState } from './pipeline-state';

/**
 * Which orders the sweep feeds, judged by invoice-sync's own records (`order_syncs`): an older
 * applied snapshot, and one of the same second with other content (the later save of that second
 * was lost), are lacking; the same snapshot is not.
 */
let db: TestDatabase;
let state: PipelineState;
let connectionId: string;
const order = JSON.parse(wooFixture('order').toString('utf8')) as WooOrder;

before(async () => {
  db = await createTestDatabase();
  state = new PipelineState(db.dataSource);
  const connections = new ConnectionStore(db.dataSource, new SecretBox(KeyRing.parse(testEncryptionKeys())));
  connectionId = (
    await connections.create({
      name: 'Same-second shop',
      storeUrl: 'https://shop.example.com',
      woo: { consumerKey: 'ck_x', consumerSecret: 'cs_x' },
      webhookSecret: 'secret',
      zohoAccountsUrl: 'https://accounts.zoho.com',
      zoho: { clientId: 'c', clientSecret: 's', refreshToken: 'r' },
    })
  ).id;
});

after(async () => {
  await db?.drop();
});

async function applied(orderId: number, modifiedGmt: string | null, contentHash: string | null): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO order_syncs (connection_id, order_id, state, modified_gmt, content_hash) VALUES ($1, $2, 'synced', $3, $4)
     ON CONFLICT (connection_id, order_id) DO UPDATE SET modified_gmt = EXCLUDED.modified_gmt, content_hash = EXCLUDED.content_hash`,
    [connectionId, orderId, modifiedGmt, contentHash],
  );
}

test('a snapshot of the applied one\'s second with other content is lacking; the very same snapshot is not', async () => {
  await applied(order.id, order.date_modified_gmt, orderContentHash(order));
  assert.deepEqual(await state.lackingOrders(connectionId, [order]), [], 'in step');

  // Two saves in one second: invoice-sync applied the first, the webhook of the second was lost.
  const later: WooOrder = { ...order, status: 'cancelled' };
  const [lacking] = await state.lackingOrders(connectionId, [later]);
  assert.equal(lacking?.item, later);
  assert.match(lacking!.why, /holds another snapshot of .* \(other content\)/);
});

test('an older applied snapshot, none applied, or no record are lacking; a record without a content hash is judged by time', async () => {
  await applied(order.id, '2017-01-01T00:00:00', orderContentHash(order));
  assert.match((await state.lackingOrders(connectionId, [order]))[0]!.why, /holds the snapshot of 2017-01-01T00:00:00/);
  await applied(order.id, null, null);
  assert.match((await state.lackingOrders(connectionId, [order]))[0]!.why, /holds no applied snapshot/);
  assert.match((await state.lackingOrders(connectionId, [{ ...order, id: order.id + 1 }]))[0]!.why, /no sync record/);
  // Rows from before content hashes were kept: nothing to compare, the time decides.
  await applied(order.id, order.date_modified_gmt, null);
  assert.deepEqual(await state.lackingOrders(connectionId, [{ ...order, status: 'cancelled' }]), []);
});
