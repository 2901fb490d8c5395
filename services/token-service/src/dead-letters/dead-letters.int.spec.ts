import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { HEADERS, subjects } from '@connector/contracts';
import { DeliveryPublisher } from '@connector/messaging';
import { DeadLetterEntity, DeadLetterStore } from '@connector/persistence';
import { createTestDatabase, createTestTopology, TestDatabase, TestTopology } from '@connector/testing';
import { adminApi, startTestTokenService } from '../token-service.fixture';

describe('dead letters: retry, retry-all and dismiss keep each letter in one clear state', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let app: INestApplication;
  let base: string;
  let store: DeadLetterStore;

  before(async () => {
    db = await createTestDatabase();
    topo = await createTestTopology();
    ({ app, base } = await startTestTokenService(db, topo));
    store = new DeadLetterStore(db.dataSource);
  });

  after(async () => {
    await app?.close();
    await topo?.destroy();
    await db?.drop();
  });

  const api = (method: string, path: string, body?: unknown) => adminApi(base)(method, path, body);

  /** One order delivery in the audit stream, as the gateway records it; its sequence. */
  const publishDelivery = async (connectionId: string, orderId: number): Promise<number> => {
    const ack = await new DeliveryPublisher(topo.nc, topo.topology).publish({
      subject: subjects.delivery(topo.topology, connectionId, 'order', 'updated'),
      body: Buffer.from(JSON.stringify({ id: orderId })),
      msgId: `${connectionId}:order.updated:${orderId}:${randomUUID()}`,
      headers: { [HEADERS.connectionId]: connectionId, [HEADERS.topic]: 'order.updated', [HEADERS.resourceId]: String(orderId), [HEADERS.origin]: 'webhook' },
    });
    return ack.seq;
  };

  const lastSeq = async () => (await (await jetstreamManager(topo.nc)).streams.info(topo.topology.stream)).state.last_seq;

  /** A letter as a consumer records it (the transport's and the replay runner's call); the row. */
  const deadLetter = async (consumer: string, streamSeq: number, connectionId: string, reason = 'tax "Eco 7%" has no Zoho tax') => {
    await store.upsert({ consumer, stream: topo.topology.stream, streamSeq, subject: `woo.${connectionId}.order.updated`, connectionId, msgId: null, reason, errorClass: 'PermanentError', deliveries: 1 });
    return (await db.dataSource.getRepository(DeadLetterEntity).findOneByOrFail({ consumer, streamSeq: String(streamSeq) }));
  };

  const reread = (id: string) => db.dataSource.getRepository(DeadLetterEntity).findOneByOrFail({ id });

  test('two operators retrying one letter at once send one copy; the second is told it is being retried', async () => {
    const connectionId = randomUUID();
    const letter = await deadLetter('invoice-sync', await publishDelivery(connectionId, 1), connectionId);
    const before = await lastSeq();
    const answers = await Promise.all([1, 2].map(() => api('POST', `/api/dead-letters/${letter.id}/retry`)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [202, 409]);
    const sent = answers.find((a) => a.status === 202)!.json;
    assert.match(answers.find((a) => a.status === 409)!.json.message, new RegExp(`^Dead letter ${letter.id} is already being retried`));
    assert.equal(await lastSeq(), before + 1, 'one copy in the audit stream');
    assert.deepEqual({ ...sent, status: (await reread(letter.id)).status, retrySeq: (await reread(letter.id)).retrySeq }, { originalSeq: Number(letter.streamSeq), seq: before + 1, status: 'retrying', retrySeq: String(before + 1) });
  });

  test("an order's one copy resolves the letters of all its events, even when it succeeds before the copy is noted on them", async () => {
    const connectionId = randomUUID();
    const older = await deadLetter('invoice-sync', await publishDelivery(connectionId, 3), connectionId);
    const newestSeq = await publishDelivery(connectionId, 3);
    const newest = await deadLetter('invoice-sync', newestSeq, connectionId);
    const ids = await store.claimEventsForRetry([Number(older.streamSeq), newestSeq], connectionId, newestSeq);
    assert.equal(ids.length, 2);
    // The copy is handled and acknowledged (retryOf = the newest event) before recordRetry ran.
    const copySeq = await lastSeq() + 1;
    await store.resolveMany('invoice-sync', [newestSeq, copySeq]);
    assert.deepEqual([(await reread(older.id)).status, (await reread(newest.id)).status], ['resolved', 'resolved']);
    await store.recordRetry(ids, copySeq);
    assert.deepEqual([(await reread(older.id)).status, (await reread(newest.id)).status], ['resolved', 'resolved'], 'noting the copy afterwards changes nothing');
  });

  test('a retry whose event cannot be sent leaves the letter open, not retrying', async () => {
    const connectionId = randomUUID();
    const letter = await deadLetter('invoice-sync', 990_001, connectionId);
    const answer = await api('POST', `/api/dead-letters/${letter.id}/retry`);
    assert.deepEqual([answer.status, answer.json.message], [404, 'Audit stream has no message 990001']);
    assert.equal((await reread(letter.id)).status, 'open');
  });

  test("a replay's letter resolves when the live consumer handles its retried copy; another service's letter of the event stays open", async () => {
    const connectionId = randomUUID();
    const seq = await publishDelivery(connectionId, 2);
    const replayed = await deadLetter('replay-4f1d2c3b-invoice-sync', seq, connectionId);
    const otherService = await deadLetter('customer-sync', seq, connectionId);
    assert.equal((await api('POST', `/api/dead-letters/${replayed.id}/retry`)).status, 202);
    // What the transport does when invoice-sync acknowledges the copy (Connector-Retry-Of: seq).
    await store.resolve('invoice-sync', seq);
    assert.equal((await reread(replayed.id)).status, 'resolved');
    assert.equal((await reread(otherService.id)).status, 'open');
  });

  test('a retried copy that fails again supersedes the letter it was retried for, whichever is recorded first', async () => {
    const connectionId = randomUUID();
    const letter = await deadLetter('invoice-sync', await publishDelivery(connectionId, 3), connectionId);
    const { json: copy } = await api('POST', `/api/dead-letters/${letter.id}/retry`);
    const again = await deadLetter('invoice-sync', copy.seq, connectionId, 'tax "Eco 7%" still has no Zoho tax');
    assert.deepEqual([(await reread(letter.id)).status, (await reread(letter.id)).supersededBy, again.status], ['superseded', again.id, 'open']);
    const retried = await api('POST', `/api/dead-letters/${letter.id}/retry`);
    assert.deepEqual([retried.status, retried.json.message], [409, `Dead letter ${letter.id} was retried and failed again: dead letter ${again.id} has the new reason`]);

    // The copy may fail before the retry has noted which copy it sent.
    const early = await deadLetter('invoice-sync', await publishDelivery(connectionId, 4), connectionId);
    assert.ok(await store.claimForRetry(early.id));
    const failedCopy = await deadLetter('invoice-sync', 990_100, connectionId);
    await store.recordRetry([early.id], 990_100);
    assert.deepEqual([(await reread(early.id)).status, (await reread(early.id)).supersededBy], ['superseded', failedCopy.id]);
  });

  test('retry-all walks every open letter page by page, one copy per event; events that cannot be sent are counted and stay open', async () => {
    const connectionId = randomUUID();
    const first = await publishDelivery(connectionId, 5);
    const second = await publishDelivery(connectionId, 6);
    const live = await deadLetter('invoice-sync', first, connectionId);
    const replayed = await deadLetter('replay-9a8b-invoice-sync', first, connectionId);
    await deadLetter('invoice-sync', second, connectionId);
    // More missing events than one page (200): their republish fails, after the real ones' went out.
    for (let i = 0; i < 250; i++) await deadLetter('invoice-sync', 991_000 + i, connectionId);
    const otherConnection = randomUUID();
    const elsewhere = await deadLetter('invoice-sync', await publishDelivery(otherConnection, 8), otherConnection);
    const before = await lastSeq();

    const { status, json } = await api('POST', '/api/dead-letters/retry', { connectionId });
    assert.equal(status, 202);
    assert.deepEqual([json.retried, json.failed, json.events.length, json.failures.length], [2, 250, 2, 100]);
    assert.deepEqual(json.events, [{ originalSeq: first, seq: before + 1 }, { originalSeq: second, seq: before + 2 }]);
    assert.deepEqual(json.failures[0], { streamSeq: 991_000, reason: 'Audit stream has no message 991000' });
    assert.equal(await lastSeq(), before + 2);
    for (const letter of [live, replayed]) assert.deepEqual([(await reread(letter.id)).status, (await reread(letter.id)).retrySeq], ['retrying', String(before + 1)]);
    const open = await db.dataSource.query(`SELECT count(*)::int AS n FROM dead_letters WHERE connection_id = $1 AND status = 'open'`, [connectionId]);
    assert.equal(open[0].n, 250, 'the letters whose event could not be sent are open, not retrying');
    assert.equal((await reread(elsewhere.id)).status, 'open', "another connection's letter is not retried");
  });

  test('a dismissed letter keeps the reason, is not open, and neither retry-all nor a later success touch it', async () => {
    const connectionId = randomUUID();
    const seq = await publishDelivery(connectionId, 7);
    const letter = await deadLetter('invoice-sync', seq, connectionId);
    const dismissed = await api('POST', `/api/dead-letters/${letter.id}/dismiss`, { reason: ' invoice made by hand in Zoho ' });
    assert.equal(dismissed.status, 200);
    assert.deepEqual([dismissed.json.status, dismissed.json.dismissedReason], ['dismissed', 'invoice made by hand in Zoho']);
    assert.deepEqual((await api('GET', `/api/dead-letters?connectionId=${connectionId}`)).json, []);
    assert.deepEqual((await api('GET', `/api/dead-letters?connectionId=${connectionId}&status=dismissed`)).json.map((l: { id: string }) => l.id), [letter.id]);
    const before = await lastSeq();
    assert.deepEqual((await api('POST', '/api/dead-letters/retry', { connectionId })).json, { retried: 0, failed: 0, events: [], failures: [] });
    assert.equal(await lastSeq(), before);
    await store.resolve('invoice-sync', seq);
    assert.equal((await reread(letter.id)).status, 'dismissed');

    const message = `Dead letter ${letter.id} was dismissed (invoice made by hand in Zoho)`;
    const retried = await api('POST', `/api/dead-letters/${letter.id}/retry`);
    assert.deepEqual([retried.status, retried.json.message], [409, message]);
    const twice = await api('POST', `/api/dead-letters/${letter.id}/dismiss`, {});
    assert.deepEqual([twice.status, twice.json.message], [409, `${message}; only open or retrying letters are dismissed`]);

    const plain = await deadLetter('invoice-sync', 990_200, connectionId);
    const noReason = await api('POST', `/api/dead-letters/${plain.id}/dismiss`);
    assert.deepEqual([noReason.status, noReason.json.dismissedReason], [200, null]);
    const missing = randomUUID();
    assert.deepEqual((await api('POST', `/api/dead-letters/${missing}/dismiss`)).json.message, `Dead letter ${missing} does not exist`);
    const long = await api('POST', `/api/dead-letters/${plain.id}/dismiss`, { reason: 'x'.repeat(501) });
    assert.deepEqual([long.status, long.json.message], [400, 'reason must be shorter than or equal to 500 characters']);
  });
});
