import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WooOrder } from '@connector/contracts';
import { orderContentHash } from './order-content-hash';
import { appliedSnapshotSkip, decideOrderAction, type ExistingInvoiceLink, isStaleSnapshot, snapshotSkip } from './order-decision';
import { fixtures } from './test-support/fixtures';

function order(status: string, modified = '2017-03-22T19:28:08'): WooOrder {
  return { ...fixtures.order(), status, date_modified_gmt: modified };
}

const synced = (overrides: Partial<ExistingInvoiceLink> = {}): ExistingInvoiceLink => ({
  invoiceId: 'inv-1',
  invoiceStatus: 'sent',
  lastModifiedGmt: '2017-03-22T19:00:00',
  state: 'synced',
  ...overrides,
});

test('drafts are ignored whatever else is known', () => {
  for (const status of ['checkout-draft', 'auto-draft', 'draft']) {
    const decision = decideOrderAction({ order: order(status), existing: synced() });
    assert.equal(decision.action, 'skip');
    assert.match(decision.reason, /draft/);
  }
});

test('invoiced statuses create, then update', () => {
  for (const status of ['processing', 'completed', 'on-hold']) {
    assert.equal(decideOrderAction({ order: order(status) }).action, 'create');
    assert.equal(decideOrderAction({ order: order(status), existing: synced() }).action, 'update');
  }
  assert.equal(decideOrderAction({ order: order('pending') }).action, 'skip');
  assert.equal(decideOrderAction({ order: order('pending'), syncStatuses: ['wc-pending'] }).action, 'create');
  assert.equal(decideOrderAction({ order: order('on-hold'), syncStatuses: ['completed'] }).action, 'skip');
  assert.equal(decideOrderAction({ order: order('processing'), existing: { state: 'pending' } }).action, 'create');
});

test('cancelled and failed void an existing invoice, or skip', () => {
  for (const status of ['cancelled', 'failed']) {
    assert.equal(decideOrderAction({ order: order(status), existing: synced() }).action, 'void');
    const none = decideOrderAction({ order: order(status) });
    assert.equal(none.action, 'skip');
    assert.match(none.reason, /no invoice to void/);
  }
});

test('refunded orders keep their invoice: the refunds are credited, the sale stays', () => {
  const decision = decideOrderAction({ order: order('refunded'), existing: synced() });
  assert.equal(decision.action, 'skip');
  assert.match(decision.reason, /is kept as it is and its refunds are credited/);
  assert.match(decideOrderAction({ order: order('refunded') }).reason, /no invoice is created/);
});

test('isStaleSnapshot: only a snapshot older than the applied one', () => {
  const applied = synced();
  assert.equal(isStaleSnapshot(order('processing', '2017-03-22T18:59:59'), applied), true);
  assert.equal(isStaleSnapshot(order('processing', applied.lastModifiedGmt), applied), false);
  assert.equal(isStaleSnapshot(order('processing', '2017-03-22T19:00:01'), applied), false);
  assert.equal(isStaleSnapshot(order('processing'), undefined), false);
});

test('an invoice Connector voided is reinstated when the order is invoiced again; one voided in Zoho is left to the owner', () => {
  const later = '2017-03-23T10:00:00';
  const voided = synced({ state: 'voided', invoiceStatus: 'void' });
  for (const status of ['processing', 'completed', 'on-hold']) {
    const decision = decideOrderAction({ order: order(status, later), existing: voided });
    assert.equal(decision.action, 'reinstate', status);
    assert.match(decision.reason, /is reopened and brought up to date/);
  }
  const stillCancelled = decideOrderAction({ order: order('cancelled', later), existing: voided });
  assert.deepEqual([stillCancelled.action, /reopened if the order is invoiced again/.test(stillCancelled.reason)], ['skip', true]);
  assert.equal(decideOrderAction({ order: order('refunded', later), existing: voided }).action, 'skip');
  assert.equal(decideOrderAction({ order: order('completed', later), existing: voided, syncStatuses: ['processing'] }).action, 'skip', 'not an invoiced status here');
  const byOwner = decideOrderAction({ order: order('processing', later), existing: synced({ invoiceStatus: 'void' }) });
  assert.equal(byOwner.action, 'skip');
  assert.match(byOwner.reason, /voided in Zoho, and Connector does not undo that/);
});

test('stale snapshots: older is skipped; equal is skipped only with the same content', () => {
  const older = decideOrderAction({ order: order('completed', '2017-03-22T18:59:59'), existing: synced() });
  assert.equal(older.action, 'skip');
  assert.match(older.reason, /stale snapshot/);

  const snapshot = order('completed', '2017-03-22T19:00:00');
  const same = decideOrderAction({ order: snapshot, existing: synced({ lastContentHash: orderContentHash(snapshot) }) });
  assert.equal(same.action, 'skip');
  assert.match(same.reason, /stale snapshot/);

  const changed = decideOrderAction({ order: { ...snapshot, customer_note: 'changed' }, existing: synced({ lastContentHash: orderContentHash(snapshot) }) });
  assert.equal(changed.action, 'update');
  assert.equal(decideOrderAction({ order: snapshot, existing: synced() }).action, 'update', 'equal date without a stored hash is applied');
  // A stale cancellation must not void an invoice that a newer snapshot already confirmed.
  assert.equal(decideOrderAction({ order: order('cancelled', '2017-03-22T18:00:00'), existing: synced() }).action, 'skip');
});

test('snapshotSkip: drafts and snapshots no newer than the applied one, whatever the settings', () => {
  const applied = order('completed', '2017-03-22T19:00:00');
  const link = synced({ lastModifiedGmt: '2017-03-22T19:00:00', lastContentHash: orderContentHash(applied) });
  assert.match(snapshotSkip(applied, link)?.reason ?? '', /same content as the one already applied/);
  assert.match(snapshotSkip(order('processing', '2017-03-22T18:00:00'), link)?.reason ?? '', /older than the applied/);
  assert.match(snapshotSkip(order('auto-draft'), link)?.reason ?? '', /draft/);
  assert.equal(snapshotSkip({ ...applied, customer_note: 'changed' }, link), undefined, 'same date, other content');
  assert.equal(snapshotSkip(order('completed', '2017-03-22T19:00:01'), link), undefined, 'newer');
  assert.equal(snapshotSkip(applied, synced({ lastModifiedGmt: '2017-03-22T19:00:00' })), undefined, 'same date, no stored hash');
  assert.equal(snapshotSkip(applied, undefined), undefined, 'nothing applied yet');
  assert.equal(snapshotSkip({ ...applied, date_modified_gmt: null } as unknown as WooOrder, link), undefined, 'no date to compare');
});

test('appliedSnapshotSkip: what snapshotSkip says of the applied snapshot itself, without the order', () => {
  const applied = order('completed', '2017-03-22T19:00:00');
  const link = synced({ lastModifiedGmt: '2017-03-22T19:00:00', lastContentHash: orderContentHash(applied) });
  assert.deepEqual(appliedSnapshotSkip(link), snapshotSkip(applied, link));
  assert.deepEqual(appliedSnapshotSkip({ ...link, state: 'voided' }), snapshotSkip(applied, { ...link, state: 'voided' }));
  // Where snapshotSkip could not recognise its own snapshot, neither does this.
  assert.equal(appliedSnapshotSkip(synced({ lastModifiedGmt: '2017-03-22T19:00:00' })), undefined, 'no stored hash');
  assert.equal(appliedSnapshotSkip(synced({ lastModifiedGmt: undefined, lastContentHash: 'abc' })), undefined, 'no stored date');
  assert.equal(appliedSnapshotSkip(synced({ lastModifiedGmt: 'yesterday', lastContentHash: 'abc' })), undefined, 'a date that does not parse');
  assert.equal(appliedSnapshotSkip(undefined), undefined, 'nothing applied');
});

test('decideOrderAction gives the snapshot skip first, whatever the settings and the invoice', () => {
  const applied = order('completed', '2017-03-22T19:00:00');
  const links = [
    synced({ lastModifiedGmt: '2017-03-22T19:00:00', lastContentHash: orderContentHash(applied) }),
    synced({ lastModifiedGmt: '2017-03-22T19:00:00', lastContentHash: orderContentHash(applied), state: 'voided', invoiceStatus: 'void' }),
  ];
  for (const existing of links) {
    for (const snapshot of [applied, order('cancelled', '2017-03-20T00:00:00'), order('draft')]) {
      for (const syncStatuses of [undefined, ['pending']]) {
        assert.deepEqual(decideOrderAction({ order: snapshot, existing, syncStatuses }), snapshotSkip(snapshot, existing));
      }
    }
  }
});

test('the content hash ignores key order, links and modification dates', () => {
  const original = fixtures.order();
  const reordered = Object.fromEntries(Object.entries(original).reverse()) as unknown as WooOrder;
  assert.equal(orderContentHash(reordered), orderContentHash(original));
  assert.equal(orderContentHash({ ...original, date_modified_gmt: '2030-01-01T00:00:00' }), orderContentHash(original));
  assert.notEqual(orderContentHash({ ...original, total: '29.36' }), orderContentHash(original));
  assert.match(orderContentHash(original), /^[0-9a-f]{64}$/);
});
