import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DeadLetterStore } from '@connector/persistence';
import { createTestDatabase, TestDatabase } from '@connector/testing';
import type { EventRepublisher } from '../replay/event-republisher';
import { retryOpenDeadLetters } from './dead-letter-retries';

/**
 * Retry-all against real dead-letter rows, with the audit stream's republish played by a function
 * that does what a copy failing again at once does: a new open letter at the copy's sequence, the
 * end of the stream. The walk must not reach those (it would send copies of copies for as long as
 * they keep failing).
 */
describe('retry-all is bounded by the letters open when it started', () => {
  let db: TestDatabase;
  let store: DeadLetterStore;

  before(async () => {
    db = await createTestDatabase();
    store = new DeadLetterStore(db.dataSource);
  });

  after(async () => {
    await db?.drop();
  });

  const letter = (connectionId: string, streamSeq: number) =>
    store.upsert({ consumer: 'invoice-sync', stream: 'WOO', streamSeq, subject: `woo.${connectionId}.order.updated`, connectionId, msgId: null, reason: 'tax "Eco 7%" has no Zoho tax', errorClass: 'PermanentError', deliveries: 1 });

  test('each letter open at the start is sent once; the letters its failing copies leave stay open for the next retry', async () => {
    const connectionId = randomUUID();
    // More than two pages of 200.
    for (let seq = 1; seq <= 450; seq++) await letter(connectionId, seq);
    let nextSeq = 10_000;
    const sent: number[] = [];
    const republisher = {
      republish: async (seq: number) => {
        sent.push(seq);
        const copy = ++nextSeq;
        await letter(connectionId, copy);
        return { originalSeq: seq, seq: copy };
      },
    } as unknown as EventRepublisher;

    const result = await retryOpenDeadLetters(store, republisher, connectionId);

    assert.equal(result.retried, 450);
    assert.deepEqual(sent, Array.from({ length: 450 }, (_, i) => i + 1), 'every original once, no copy of a copy');
    const [{ open }] = await db.dataSource.query(`SELECT count(*)::int AS open FROM dead_letters WHERE connection_id = $1 AND status = 'open'`, [connectionId]);
    assert.equal(open, 450, "the copies' letters are open, waiting for the next retry");
  });

  test('nothing open: nothing sent', async () => {
    const republisher = { republish: async () => assert.fail('nothing to send') } as unknown as EventRepublisher;
    assert.deepEqual(await retryOpenDeadLetters(store, republisher, randomUUID()), { retried: 0, failed: 0, events: [], failures: [] });
  });
});
