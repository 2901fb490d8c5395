import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, TransientError } from '@connector/common';
import { settle, settleUnsettled } from './settle-policy';

const settings = { backoff: { initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2, jitter: 0 }, maxDeliver: 5 };

test('success acks', () => {
  assert.deepEqual(settle({}, 1, settings), { kind: 'ack' });
});

test('transient failures retry with an exponential delay', () => {
  const delays = [1, 2, 3, 4].map((n) => settle({ error: new TransientError('503') }, n, settings));
  assert.deepEqual(delays.map((d) => d.kind), ['retry', 'retry', 'retry', 'retry']);
  assert.deepEqual(delays.map((d) => (d as { delayMs: number }).delayMs), [1000, 2000, 4000, 8000]);
});

test('jitter keeps the delay within [delay/2, delay]', () => {
  const jittered = { ...settings, backoff: { ...settings.backoff, jitter: 1 } };
  for (const r of [0, 0.3, 0.999]) {
    const s = settle({ error: new Error('boom') }, 3, jittered, () => r) as { delayMs: number };
    assert.ok(s.delayMs >= 2000 && s.delayMs <= 4000, String(s.delayMs));
  }
});

test('Retry-After is a floor for the delay', () => {
  const s = settle({ error: new TransientError('429', { retryAfterMs: 30_000 }) }, 1, settings) as { delayMs: number };
  assert.equal(s.delayMs, 30_000);
});

test('permanent failures dead-letter at once with the reason', () => {
  const s = settle({ error: new PermanentError('Zoho 400: invalid tax') }, 1, settings);
  assert.deepEqual(s, { kind: 'dead-letter', reason: 'Zoho 400: invalid tax', errorClass: 'PermanentError' });
});

test('the last delivery dead-letters even a transient failure', () => {
  const s = settle({ error: new TransientError('still down') }, 5, settings);
  assert.equal(s.kind, 'dead-letter');
  assert.match((s as { reason: string }).reason, /gave up after 5 deliveries: still down/);
});

test('a delivery past the last one is dead-lettered before the handler runs, saying its deliveries never settled', () => {
  assert.equal(settleUnsettled(5, settings), undefined);
  const s = settleUnsettled(6, settings);
  assert.equal(s?.kind, 'dead-letter');
  assert.match((s as { reason: string }).reason, /delivered 6 times of 5: the handler never settled its earlier deliveries \(the process crashed or timed out\)/);
});
