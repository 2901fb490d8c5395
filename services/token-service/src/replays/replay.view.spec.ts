import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplayEntity } from '@connector/persistence';
import { replaySummary, replayView, STALE_AFTER_MS } from './replay.view';
import { replayTargets } from './replay-targets';

const NOW = Date.parse('2026-01-05T12:00:00Z');

function row(service: string, patch: Partial<ReplayEntity> = {}): ReplayEntity {
  return {
    id: '5b0c2a4e-0000-4000-8000-000000000001', service, connectionId: 'c0ffee00-0000-4000-8000-000000000002',
    resource: 'order', fromSeq: '1', fromTime: null, dryRun: true, consumer: `replay-x-${service}`, status: 'running',
    processed: 0, total: null, failures: 0, lastSeq: null, planned: [], plannedCount: 0, failedEvents: [], error: null,
    startedAt: new Date(NOW - 5_000), finishedAt: null, updatedAt: new Date(NOW - 500), ...patch,
  };
}

describe('replay view', () => {
  test('adds up the services and is done only when every one is', () => {
    const rows = [
      row('invoice-sync', { status: 'done', processed: 10, total: 10, failures: 1, finishedAt: new Date(NOW - 1_000) }),
      row('customer-sync', { status: 'running', processed: 2, total: 4 }),
    ];
    const running = replaySummary(rows, NOW);
    assert.deepEqual([running.status, running.done, running.processed, running.total, running.failures, running.finishedAt], ['running', false, 12, 14, 1, null]);

    rows[1] = row('customer-sync', { status: 'done', processed: 4, total: 4, finishedAt: new Date(NOW - 200) });
    const done = replaySummary(rows, NOW);
    assert.deepEqual([done.status, done.done, done.processed, done.total], ['done', true, 14, 14]);
    assert.deepEqual(done.finishedAt, new Date(NOW - 200), 'when the last service finished');
    assert.deepEqual(done.services.map((s) => s.service), ['customer-sync', 'invoice-sync']);
  });

  test('the total stays unknown while a service has not counted its events yet', () => {
    const summary = replaySummary([row('invoice-sync', { processed: 3, total: 10 }), row('catalog-sync')], NOW);
    assert.equal(summary.total, null);
  });

  test('a service silent for too long is shown as failed, with where to resume', () => {
    const silent = row('invoice-sync', { processed: 7, total: 10, lastSeq: '1207', updatedAt: new Date(NOW - STALE_AFTER_MS - 1) });
    const summary = replaySummary([silent], NOW);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.done, true);
    assert.match(summary.errors[0], /^invoice-sync: invoice-sync reported no progress since .*; replay again from sequence 1208$/);
  });

  test('a failed start counts as failed once the others are done', () => {
    const rows = [row('invoice-sync', { status: 'done', processed: 2, total: 2, finishedAt: new Date(NOW) }), row('catalog-sync', { status: 'failed', error: 'catalog-sync did not start the replay: no responders' })];
    const summary = replaySummary(rows, NOW);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.total, 2);
    assert.deepEqual(summary.errors, ['catalog-sync: catalog-sync did not start the replay: no responders']);
  });

  test('planned writes and failed events come in stream order across services', () => {
    const write = (seq: number, service: string) => ({ seq, service, resource: 'order', resourceId: String(seq), action: 'create-invoice', message: `m${seq}` });
    const view = replayView([
      row('invoice-sync', { planned: [write(3, 'invoice-sync'), write(9, 'invoice-sync')], plannedCount: 2, failedEvents: [{ seq: 5, subject: 's', reason: 'r' }] }),
      row('customer-sync', { planned: [write(4, 'customer-sync')], plannedCount: 1 }),
    ], NOW);
    assert.deepEqual(view.planned.map((p) => p.seq), [3, 4, 9]);
    assert.equal(view.plannedCount, 3);
    assert.deepEqual(view.failedEvents, [{ seq: 5, subject: 's', reason: 'r', service: 'invoice-sync' }]);
  });

  test('targets: one per resource or service named, all three otherwise, a mismatch refused', () => {
    assert.deepEqual(replayTargets().map((t) => t.service), ['invoice-sync', 'customer-sync', 'catalog-sync']);
    assert.deepEqual(replayTargets('customer').map((t) => t.service), ['customer-sync']);
    assert.deepEqual(replayTargets(undefined, 'catalog-sync').map((t) => t.resource), ['product']);
    assert.throws(() => replayTargets('order', 'customer-sync'), /order events are replayed by invoice-sync, not customer-sync/);
  });
});
