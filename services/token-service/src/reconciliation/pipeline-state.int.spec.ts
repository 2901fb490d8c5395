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

test('unbookedRefunds: an invoiced order with a refund no record holds is out of step; orders without a usable invoice, or whose refunds are recorded, are not', async () => {
  const withRefunds = (id: number, refundIds: number[]): WooOrder => ({ ...order, id, refunds: refundIds.map((refundId) => ({ id: refundId, reason: '', total: '-1.00' })) });
  const invoiced = async (id: number, columns: { state?: string; invoiceId?: string | null; invoiceStatus?: string | null; deleted?: boolean } = {}) =>
    db.dataSource.query(
      `INSERT INTO order_syncs (connection_id, order_id, state, invoice_id, invoice_status, invoice_deleted_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [connectionId, id, columns.state ?? 'synced', columns.invoiceId === undefined ? `INV-${id}` : columns.invoiceId, columns.invoiceStatus ?? 'draft', columns.deleted ? new Date() : null],
    );
  const credit = (id: number, refundId: number, state: string) =>
    db.dataSource.query(`INSERT INTO refund_credits (connection_id, refund_id, order_id, state) VALUES ($1, $2, $3, $4)`, [connectionId, refundId, id, state]);

  await invoiced(9101);
  await credit(9101, 91011, 'credited');
  await invoiced(9102);
  await invoiced(9103, { state: 'skipped', invoiceId: null });
  await invoiced(9104, { invoiceStatus: 'void' });
  await invoiced(9105, { deleted: true });
  await invoiced(9106);
  await credit(9106, 91061, 'credited');

  const orders = [
    withRefunds(9101, [91012, 91011]), // a second refund, never seen
    withRefunds(9102, []), // no refund
    withRefunds(9103, [91031]), // never invoiced: nothing to credit
    withRefunds(9104, [91041]), // invoice void in Zoho: a credit note would be refused
    withRefunds(9105, [91051]), // invoice deleted in Zoho
    withRefunds(9106, []), // refund deleted in the store, its credit note stands
    withRefunds(9107, [91071]), // no record at all: the order walk's business
  ];
  const out = await state.unbookedRefunds(connectionId, orders);
  assert.deepEqual(out.map((lacking) => [lacking.item.id, lacking.why]), [
    [9101, 'refund 91012 in the store never credited'],
    [9106, 'refund 91061 deleted in the store, credit note standing'],
  ]);
  assert.deepEqual(await state.unbookedRefunds(connectionId, []), []);
});
