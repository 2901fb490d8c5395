import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import { sha256Hex, type WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { ADMIN_TOKEN, Stack } from './stack';

const LIVE_CONSUMERS = ['invoice-sync', 'customer-sync', 'catalog-sync'];
const CLI_MAIN = join(__dirname, '../../../libs/cli/dist/main.js');

/**
 * Replays of the audit stream end to end: the five services as processes over real NATS and
 * PostgreSQL. A replay of everything changes nothing that is right and writes nothing to Zoho; a
 * dry run lists the writes a real run then makes; filters by resource, service and time hold.
 */
describe('replay of the audit stream', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  let janeId: number;
  let mug: number;
  let book: number;
  /**
   * A new guest's order of a new product, placed while on-hold was not invoiced: skipped (so neither
   * contact nor item exists yet), until the owner adds on-hold to the invoiced statuses.
   */
  let onHold: WooOrder;

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({ name: 'Replay Books Ltd', currencyCode: 'EUR', taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
    store = await FakeWooStore.start({ currency: 'EUR', timeZone: 'Europe/Berlin', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
    mug = store.createProduct({ name: 'Mug', sku: 'MUG-1', regularPrice: '12.99' }).id;
    book = store.createProduct({ name: 'Book', sku: 'BOOK-1', regularPrice: '9.95' }).id;
    const teapot = store.createProduct({ name: 'Teapot', sku: 'TEA-1', regularPrice: '24.50' }).id;
    janeId = store.createCustomer({
      email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe',
      billing: { first_name: 'Jane', last_name: 'Doe', address_1: '1 Main St', city: 'Berlin', postcode: '10115', country: 'DE' },
    }).id;
    connectionId = await stack.connect(store, orgId, { syncStatuses: ['processing', 'completed'] });

    const first = store.createOrder({ customer: janeId, lineItems: [{ productId: mug, quantity: 1 }], shippingLines: [{ methodTitle: 'Flat rate', cost: '4.90', taxable: true }] });
    const guest = store.createOrder({ customer: { billing: { first_name: 'Gus', last_name: 'Guest', email: 'gus@guest.example', country: 'DE' } }, lineItems: [{ productId: book, quantity: 2 }] });
    const edited = store.createOrder({ customer: janeId, lineItems: [{ productId: book, quantity: 1 }] });
    const cancelled = store.createOrder({ customer: janeId, lineItems: [{ productId: mug, quantity: 3 }] });
    onHold = store.createOrder({
      customer: { billing: { first_name: 'Olga', last_name: 'Onhold', email: 'olga@onhold.example', country: 'DE' } },
      lineItems: [{ productId: teapot, quantity: 2 }],
      status: 'on-hold',
    });
    await store.flushDeliveries();
    for (const order of [first, guest, edited, cancelled]) await stack.settledOrder(connectionId, order.id, ['synced']);
    store.updateOrder(edited.id, { lineItems: [{ productId: book, quantity: 5 }], dateModified: Date.now() + 60_000 });
    store.updateOrder(cancelled.id, { status: 'cancelled', dateModified: Date.now() + 60_000 });
    store.updateCustomer(janeId, { lastName: 'Doe-Smith' });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, edited.id, ['synced'], { until: (r) => r.orderTotal === store.getOrder(edited.id).total });
    await stack.settledOrder(connectionId, cancelled.id, ['voided']);
    assert.equal((await stack.settledOrder(connectionId, onHold.id)).state, 'skipped');
    // The store sends no product events; one posted by hand gives catalog-sync something to replay.
    assert.equal((await stack.postSigned(connectionId, 'product.updated', JSON.stringify(store.getProduct(mug)))).status, 200);
    await quiet();
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  /** Waits until the live consumers have handled everything in the stream. */
  async function quiet(): Promise<void> {
    const jsm = await jetstreamManager(stack.topo.nc);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(LIVE_CONSUMERS.map((name) => jsm.consumers.info(stack.topo.topology.stream, name)));
      if (infos.every((info) => info.num_pending === 0 && info.num_ack_pending === 0)) return;
      if (Date.now() > deadline) throw new Error(`live consumers still busy: ${JSON.stringify(infos.map((i) => [i.name, i.num_pending, i.num_ack_pending]))}`);
      await sleep(100);
    }
  }

  const replay = (body: Record<string, unknown>): Promise<any> => stack.replay(connectionId, body);

  /** Zoho calls that are not reads, since `mark`. */
  const writesSince = (mark: number) => stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path}`);

  /** Deliveries of this connection in the audit stream, per resource. */
  async function storedEvents(): Promise<Record<string, number>> {
    const jsm = await jetstreamManager(stack.topo.nc);
    const { subjectPrefix, stream } = stack.topo.topology;
    const info = await jsm.streams.info(stream, { subjects_filter: `${subjectPrefix}.${connectionId}.>` });
    const counts: Record<string, number> = {};
    for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
      const resource = subject.split('.').at(-2)!;
      counts[resource] = (counts[resource] ?? 0) + count;
    }
    return counts;
  }

  async function orderRecords(): Promise<unknown[]> {
    const { json } = await stack.api('GET', `/api/connections/${connectionId}/orders?limit=1000`);
    return json
      .map(({ orderId, state, invoice, contactId, orderTotal, zohoTotal, adjustment, modifiedGmt }: any) => ({ orderId, state, invoice, contactId, orderTotal, zohoTotal, adjustment, modifiedGmt }))
      .sort((a: any, b: any) => a.orderId - b.orderId);
  }

  async function replayConsumers(): Promise<string[]> {
    const names: string[] = [];
    for await (const info of (await jetstreamManager(stack.topo.nc)).consumers.list(stack.topo.topology.stream)) names.push(info.name);
    return names.filter((name) => name.startsWith('replay-'));
  }

  test('replaying everything from sequence 1 changes nothing, writes nothing to Zoho and creates no duplicates', async () => {
    const before = { invoices: stack.zoho.invoices(orgId), contacts: stack.zoho.contacts(orgId), items: stack.zoho.items(orgId), records: await orderRecords() };
    const stored = await storedEvents();
    const mark = stack.zoho.mark();

    const result = await replay({ fromSeq: 1 });

    assert.equal(result.status, 'done', JSON.stringify(result.errors));
    assert.equal(result.dryRun, false);
    assert.deepEqual(result.services.map((s: any) => [s.service, s.status]), [['catalog-sync', 'done'], ['customer-sync', 'done'], ['invoice-sync', 'done']]);
    assert.equal(result.total, stored.order + stored.customer + stored.product, `every stored event: ${JSON.stringify(stored)}`);
    assert.equal(result.processed, result.total);
    assert.equal(result.failures, 0, JSON.stringify(result.failedEvents));
    assert.ok(result.finishedAt);
    assert.deepEqual(writesSince(mark), [], 'no POST or PUT reached Zoho');
    assert.deepEqual(stack.zoho.invoices(orgId), before.invoices);
    assert.deepEqual(stack.zoho.contacts(orgId), before.contacts);
    assert.deepEqual(stack.zoho.items(orgId), before.items);
    assert.deepEqual(await orderRecords(), before.records);
    assert.deepEqual(await replayConsumers(), [], 'the replay consumers are deleted');
    // Every order's events but the skipped on-hold order's were applied already: passed over in
    // batches without the live path, each noted as the live path's skip would be, with the replay.
    const passedOver: Array<{ resource_id: string; action: string; outcome: string; message: string }> = await stack.db.dataSource.query(
      `SELECT resource_id, action, outcome, message FROM audit_entries WHERE service = 'invoice-sync' AND detail->>'replayId' = $1`,
      [result.id],
    );
    const applied = before.records.map((r: any) => Number(r.orderId)).filter((id) => id !== onHold.id);
    assert.deepEqual([...new Set(passedOver.map((n) => Number(n.resource_id)))].sort((a, b) => a - b), applied);
    assert.ok(passedOver.every((n) => n.action === 'skip' && n.outcome === 'skipped' && /^stale snapshot/.test(n.message)), JSON.stringify(passedOver));
  });

  test('applied events are passed over by their bytes; records without a body digest (kept from before it) are judged by their content, with the same notes', async () => {
    const jsm = await jetstreamManager(stack.topo.nc);
    const rows: Array<{ order_id: string; state: string; body_digest: string | null; stream_seqs: string[] }> = await stack.db.dataSource.query(
      `SELECT order_id, state, body_digest, stream_seqs FROM order_syncs WHERE connection_id = $1 AND state IN ('synced', 'voided') ORDER BY order_id`,
      [connectionId],
    );
    assert.ok(rows.length >= 4, JSON.stringify(rows));
    // Each applied record keeps the SHA-256 of the very body its snapshot came from: one of its events.
    for (const row of rows) {
      const digests = await Promise.all(row.stream_seqs.map(async (seq) => sha256Hex((await jsm.streams.getMessage(stack.topo.topology.stream, { seq: Number(seq) }))!.data)));
      assert.ok(row.body_digest && digests.includes(row.body_digest), `order ${row.order_id}: ${row.body_digest} among ${digests}`);
    }
    const notes = async (replayId: string) =>
      (await stack.db.dataSource.query(
        `SELECT stream_seq, resource_id, action, outcome, message FROM audit_entries WHERE service = 'invoice-sync' AND detail->>'replayId' = $1 ORDER BY stream_seq`,
        [replayId],
      )) as unknown[];
    const mark = stack.zoho.mark();
    const byBytes = await replay({ resource: 'order' });
    // Half the records as a row written before the digest existed: their events are parsed and judged.
    await stack.db.dataSource.query(`UPDATE order_syncs SET body_digest = NULL WHERE connection_id = $1 AND order_id = ANY($2)`, [
      connectionId, rows.filter((_, i) => i % 2 === 0).map((r) => r.order_id),
    ]);
    const mixed = await replay({ resource: 'order' });
    for (const result of [byBytes, mixed]) assert.deepEqual([result.status, result.failures, result.processed], ['done', 0, result.total]);
    assert.ok((await notes(byBytes.id)).length > 0);
    assert.deepEqual(await notes(mixed.id), await notes(byBytes.id), 'the same events passed over, with the same notes');
    assert.deepEqual(writesSince(mark), []);
  });

  test('a dry run lists the writes a changed setting now calls for and makes none; the real replay then makes exactly those', async () => {
    // The owner adds on-hold to the invoiced statuses: the skipped on-hold order now needs an invoice.
    await stack.db.dataSource.query(
      `UPDATE connections SET settings = settings || '{"syncStatuses": ["processing", "completed", "on-hold"]}'::jsonb WHERE id = $1`,
      [connectionId],
    );
    const fromSeq = Math.min(...(await stack.settledOrder(connectionId, onHold.id)).streamSeqs);
    const counts = () => [stack.zoho.invoices(orgId).length, stack.zoho.contacts(orgId).length, stack.zoho.items(orgId).length];
    const countsBefore = counts();
    const mark = stack.zoho.mark();

    const dry = await replay({ fromSeq, resource: 'order', dryRun: true });

    assert.equal(dry.status, 'done');
    assert.equal(dry.dryRun, true);
    assert.deepEqual(dry.services.map((s: any) => s.service), ['invoice-sync']);
    assert.equal(dry.processed, dry.total);
    assert.deepEqual(
      dry.planned.map((p: any) => [p.action, p.resourceId]),
      [['create-contact', String(onHold.id)], ['create-item', String(onHold.id)], ['create-invoice', String(onHold.id)]],
      `each write once, though the order has ${dry.total} events: ${JSON.stringify(dry.planned.map((p: any) => p.message))}`,
    );
    const [contact, item, invoice] = dry.planned;
    assert.match(contact.message, /would create Zoho contact "Olga Onhold"/);
    assert.match(item.message, /would create Zoho item "Teapot"/);
    assert.match(invoice.message, new RegExp(`would create an invoice for order ${onHold.number}: total ${onHold.total}`));
    assert.equal(invoice.payload.reference_number, onHold.number);
    assert.equal(invoice.payload.customer_id, '(new contact "Olga Onhold")');
    assert.equal(dry.plannedCount, 3);
    assert.deepEqual(writesSince(mark), [], 'a dry run writes nothing to Zoho');
    assert.deepEqual(counts(), countsBefore);
    const record = await stack.settledOrder(connectionId, onHold.id);
    assert.equal(record.state, 'skipped', 'the sync record is untouched');
    assert.deepEqual(
      record.audit.filter((entry: any) => entry.outcome === 'dry-run').map((entry: any) => entry.action),
      ['create-contact', 'create-item', 'create-invoice'],
      'the audit trail shows the planned writes',
    );

    const real = await replay({ fromSeq, resource: 'order' });

    assert.equal(real.status, 'done');
    assert.equal(real.planned.length, 0);
    const synced = await stack.settledOrder(connectionId, onHold.id, ['synced']);
    assert.equal(synced.reconciled, true);
    const invoices = stack.zoho.invoices(orgId).filter((i) => i.reference_number === onHold.number);
    assert.equal(invoices.length, 1);
    assert.equal(Decimal.from(String(invoices[0].total)).compare(onHold.total), 0, 'the invoice the dry run planned, to the cent');
    assert.deepEqual(
      writesSince(mark),
      ['POST /books/v3/contacts', 'POST /books/v3/items', 'POST /books/v3/invoices'],
      'exactly the writes the dry run announced',
    );
  });

  test('a replay of one resource goes through its service only', async () => {
    const stored = await storedEvents();
    const mark = stack.zoho.mark();
    const result = await replay({ resource: 'customer' });
    assert.deepEqual(result.services.map((s: any) => s.service), ['customer-sync']);
    assert.equal(result.total, stored.customer);
    assert.equal(result.processed, result.total);
    assert.equal(result.fromSeq, 1, 'from the first sequence when no start is given');
    const products = await replay({ resource: 'product', dryRun: true });
    assert.deepEqual(products.services.map((s: any) => s.service), ['catalog-sync']);
    assert.equal(products.total, stored.product);
    assert.deepEqual(products.planned, [], 'the product link is current: nothing to change');
    assert.deepEqual(writesSince(mark), []);
  });

  test('customers: a dry run lists the contact updates a stale link calls for; the real replay makes exactly those', async () => {
    // As if the contact mapping had changed since Jane's contact was written: her link no longer vouches for it.
    const janeLink = `connection_id = $1 AND email = 'jane@example.com'`;
    await stack.db.dataSource.query(`UPDATE contact_links SET content_hash = NULL WHERE ${janeLink}`, [connectionId]);
    const mark = stack.zoho.mark();

    const dry = await replay({ resource: 'customer', dryRun: true });

    assert.equal(dry.status, 'done');
    assert.ok(dry.planned.length >= 1);
    assert.ok(dry.planned.every((p: any) => p.action === 'update-contact' && p.resourceId === String(janeId)), JSON.stringify(dry.planned));
    const last = dry.planned.at(-1);
    assert.match(last.message, /^would update Zoho contact "Jane Doe-Smith" \(\d+\) for jane@example.com$/);
    assert.equal(last.payload.contact_persons[0].last_name, 'Doe-Smith', 'with the latest snapshot');
    assert.deepEqual(writesSince(mark), []);
    assert.deepEqual(await stack.db.dataSource.query(`SELECT content_hash FROM contact_links WHERE ${janeLink}`, [connectionId]), [{ content_hash: null }]);

    const real = await replay({ resource: 'customer' });

    assert.equal(real.status, 'done');
    const writes = writesSince(mark);
    assert.equal(writes.length, dry.planned.length, `one write per planned update: ${writes.join(', ')}`);
    assert.ok(writes.every((w) => /^PUT \/books\/v3\/contacts\/\d+$/.test(w)));
    assert.ok(stack.zoho.contacts(orgId).some((c) => c.contact_name === 'Jane Doe-Smith'));
    assert.deepEqual((await replay({ resource: 'customer', dryRun: true })).planned, [], 'once applied, nothing is left to do');
  });

  test('a replay from a time sees only what was stored since', async () => {
    await sleep(1_100);
    const since = new Date().toISOString();
    const order = store.createOrder({ customer: janeId, lineItems: [{ productId: book, quantity: 1 }] });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['synced']);
    await quiet();
    // Read once the live consumer is idle: the order's second delivery may still be waiting for
    // the order's lock when the first has synced it.
    const record = await stack.settledOrder(connectionId, order.id, ['synced']);

    const result = await replay({ fromTime: since, service: 'invoice-sync' });
    assert.deepEqual(result.services.map((s: any) => s.service), ['invoice-sync']);
    assert.equal(result.total, record.streamSeqs.length);
    assert.equal(result.processed, result.total);
    assert.equal(result.fromSeq, null);
    assert.equal(new Date(result.fromTime).toISOString(), since);
  });

  test('a service that is down fails its part of the replay; the others finish', async () => {
    await stack.stopService('catalog-sync');
    try {
      const result = await replay({ dryRun: true });
      assert.equal(result.status, 'failed');
      assert.deepEqual(result.services.map((s: any) => [s.service, s.status]), [['catalog-sync', 'failed'], ['customer-sync', 'done'], ['invoice-sync', 'done']]);
      assert.match(result.errors.join('\n'), /^catalog-sync: catalog-sync did not start the replay: /m);
    } finally {
      await stack.startService('catalog-sync');
    }
  });

  test('the list of replays and the validation of a start', async () => {
    const list = await stack.api('GET', `/api/connections/${connectionId}/replays`);
    assert.equal(list.status, 200);
    assert.ok(list.json.length >= 9);
    assert.ok(list.json.every((r: any) => r.connectionId === connectionId && r.done && !('planned' in r)));
    assert.ok(new Date(list.json[0].startedAt) >= new Date(list.json.at(-1).startedAt), 'newest first');

    const bad = async (body: unknown, pattern: RegExp) => {
      const res = await stack.api('POST', `/api/connections/${connectionId}/replay`, body);
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.match(JSON.stringify(res.json.message), pattern);
    };
    await bad({ fromSeq: 3, fromTime: '2026-01-05T00:00:00Z' }, /not both/);
    await bad({ fromSeq: 0 }, /fromSeq/);
    await bad({ fromTime: 'yesterday' }, /fromTime/);
    await bad({ resource: 'coupon' }, /resource/);
    await bad({ resource: 'order', service: 'customer-sync' }, /order events are replayed by invoice-sync/);
    assert.equal((await stack.api('POST', '/api/connections/6f1c0000-0000-4000-8000-000000000000/replay', {})).status, 404);
    assert.equal((await stack.api('GET', '/api/replays/not-a-replay')).status, 404);
  });

  test('connector replay follows the replay to the end and exits 0', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_MAIN, 'replay', connectionId, '--resource', 'order', '--json'], {
        env: { PATH: process.env.PATH ?? '', CONNECTOR_URL: stack.adminUrl, CONNECTOR_TOKEN: ADMIN_TOKEN, CONNECTOR_POLL_INTERVAL_MS: '100' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.done, true);
    assert.equal(result.failures, 0);
    assert.equal(result.processed, result.total);
    assert.match(run.stderr, /^replay [0-9a-f-]{36} started$/m);
    assert.match(run.stderr, new RegExp(`replay: ${result.total}/${result.total} \\(100%\\)`));
  });
});
