import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { AuditTrail } from './audit-trail';
import { DeadLetterStore } from './dead-letter-store';
import { openScratchDatabase } from './test-support/scratch-database';

let db: Awaited<ReturnType<typeof openScratchDatabase>>;
let dataSource: DataSource;

before(async () => {
  db = await openScratchDatabase('bw');
  dataSource = db.dataSource;
});

after(async () => {
  await db?.drop();
});

test('recordMany writes the entries record would, in one statement', async () => {
  const audit = new AuditTrail(dataSource);
  const entry = (orderId: number) => ({
    connectionId: 'c1', service: 'invoice-sync', streamSeq: 10 + orderId, resource: 'order', resourceId: orderId,
    action: 'skip', outcome: 'skipped' as const, message: `order ${orderId} unchanged`, detail: { replayId: 'r1' }, correlationId: null,
  });
  await audit.record(entry(1));
  await audit.recordMany([entry(2), entry(3)]);
  await audit.recordMany([]);
  const rows = await audit.recent('c1');
  const shape = ({ streamSeq, resourceId, action, outcome, message, detail }: (typeof rows)[number]) => ({ streamSeq, resourceId, action, outcome, message, detail });
  assert.deepEqual(rows.map(shape).reverse(), [1, 2, 3].map((id) => ({
    streamSeq: String(10 + id), resourceId: String(id), action: 'skip', outcome: 'skipped', message: `order ${id} unchanged`, detail: { replayId: 'r1' },
  })));
});

test('resolveMany closes the open dead letters of one consumer only', async () => {
  const store = new DeadLetterStore(dataSource);
  const letter = (consumer: string, streamSeq: number) => ({
    consumer, stream: 'WOO', streamSeq, subject: 'woo.c1.order.updated', connectionId: null, msgId: null, reason: 'Zoho answered 500', errorClass: 'transient', deliveries: 20,
  });
  for (const seq of [1, 2, 3]) await store.upsert(letter('invoice-sync', seq));
  await store.upsert(letter('customer-sync', 2));
  await store.resolveMany('invoice-sync', [2, 3, 99]);
  await store.resolveMany('invoice-sync', []);
  const status = async (consumer: string) =>
    Object.fromEntries((await dataSource.query('SELECT stream_seq, status FROM dead_letters WHERE consumer = $1', [consumer])).map((r: { stream_seq: string; status: string }) => [r.stream_seq, r.status]));
  assert.deepEqual(await status('invoice-sync'), { 1: 'open', 2: 'resolved', 3: 'resolved' });
  assert.deepEqual(await status('customer-sync'), { 2: 'open' });
});
