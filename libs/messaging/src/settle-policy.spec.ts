import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, TransientError } from '@connector/common';
import { BLOCK_WAIT_DELIVERIES, settle, settleUnsettled } from './settle-policy';

const settings = { backoff: { initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2, jitter: 0 }, maxDeliver: 5 };

test('success acks', () => {
  assert.deepEqual(settle({}, { deliveryCount: 1 }, settings), { kind: 'ack' });
});

test('transient failures retry with an exponential delay', () => {
  const delays = [1, 2, 3, 4].map((n) => settle({ error: new TransientError('503') }, { deliveryCount: n }, settings));
  assert.deepEqual(delays.map((d) => d.kind), ['retry', 'retry', 'retry', 'retry']);
  assert.deepEqual(delays.map((d) => (d as { delayMs: number }).delayMs), [1000, 2000, 4000, 8000]);
});

test('jitter keeps the delay within [delay/2, delay]', () => {
  const jittered = { ...settings, backoff: { ...settings.backoff, jitter: 1 } };
  for (const r of [0, 0.3, 0.999]) {
    const s = settle({ error: new Error('boom') }, { deliveryCount: 3 }, jittered, () => r) as { delayMs: number };
    assert.ok(s.delayMs >= 2000 && s.delayMs <= 4000, String(s.delayMs));
  }
});

test('Retry-After is a floor for the delay', () => {
  const s = settle({ error: new TransientError('429', { retryAfterMs: 30_000 }) }, { deliveryCount: 1 }, settings) as { delayMs: number };
  assert.equal(s.delayMs, 30_000);
});

test('permanent failures dead-letter at once with the reason', () => {
  const s = settle({ error: new PermanentError('Zoho 400: invalid tax') }, { deliveryCount: 1 }, settings);
  assert.deepEqual(s, { kind: 'dead-letter', reason: 'Zoho 400: invalid tax', errorClass: 'PermanentError' });
});

test('the last delivery dead-letters even a transient failure', () => {
  const s = settle({ error: new TransientError('still down') }, { deliveryCount: 5 }, settings);
  assert.equal(s.kind, 'dead-letter');
  assert.match((s as { reason: string }).reason, /gave up after 5 deliveries: still down/);
});

test('a delivery past the last one is dead-lettered before the handler runs, saying its deliveries never settled', () => {
  assert.equal(settleUnsettled({ deliveryCount: 5 }, settings), undefined);
  const s = settleUnsettled({ deliveryCount: 6 }, settings);
  assert.equal(s?.kind, 'dead-letter');
  assert.match((s as { reason: string }).reason, /delivered 6 times of 5: the handler never settled its earlier deliveries \(the process crashed or timed out\)/);
});

const HOUR = 60 * 60_000;
const service = { backoff: { initialDelayMs: 2_000, maxDelayMs: 10 * 60_000, multiplier: 2, jitter: 1 }, maxDeliver: 20, blockWaitDeliveries: BLOCK_WAIT_DELIVERIES };
const dailyQuotaBlock = (retryAfterMs: number) =>
  new TransientError('Zoho rate-limited organization 1 (429)', { code: 'rate_limited', retryAfterMs });

test('a daily-quota block waits out the whole block in one retry, not the retry curve\'s 40 minutes', () => {
  const s = settle({ error: dailyQuotaBlock(13 * HOUR) }, { deliveryCount: 1 }, service, () => 0.5);
  assert.equal(s.kind, 'retry');
  assert.ok((s as { delayMs: number }).delayMs >= 13 * HOUR, String((s as { delayMs: number }).delayMs));
  assert.ok((s as { delayMs: number }).delayMs <= 13 * HOUR + 60_000);
});

test('a block is still waited out at and past the last delivery other failures get', () => {
  for (const delivery of [19, 20, 35]) assert.equal(settle({ error: dailyQuotaBlock(13 * HOUR) }, { deliveryCount: delivery }, service).kind, 'retry', String(delivery));
  assert.equal(settle({ error: new TransientError('zoho 503') }, { deliveryCount: 20 }, service).kind, 'dead-letter');
  assert.equal(settleUnsettled({ deliveryCount: 20 + BLOCK_WAIT_DELIVERIES }, service), undefined);
});

test('Zoho\'s own limit errors are blocks too, recognised by their code', () => {
  const daily = new TransientError('code 45', { code: '45', retryAfterMs: 13 * HOUR });
  const throttledToken = new TransientError('token throttled', { code: 'token_throttled', retryAfterMs: 2 * HOUR });
  assert.ok((settle({ error: daily }, { deliveryCount: 20 }, service) as { delayMs: number }).delayMs >= 13 * HOUR);
  assert.ok((settle({ error: throttledToken }, { deliveryCount: 20 }, service) as { delayMs: number }).delayMs >= 2 * HOUR);
});

test('a per-minute (44) block stays short', () => {
  const s = settle({ error: new TransientError('code 44', { code: '44', retryAfterMs: 60_000 }) }, { deliveryCount: 1 }, service, () => 1);
  assert.deepEqual([s.kind, (s as { delayMs: number }).delayMs], ['retry', 66_000]);
});

test('a block that outlasts its allowance of deliveries ends as a dead letter saying so', () => {
  const s = settle({ error: dailyQuotaBlock(HOUR) }, { deliveryCount: 20 + BLOCK_WAIT_DELIVERIES }, service);
  assert.equal(s.kind, 'dead-letter');
  assert.match((s as { reason: string }).reason, /still rate-limited after 50 deliveries/);
  assert.equal(settleUnsettled({ deliveryCount: 51 }, service)?.kind, 'dead-letter');
});

test('a rate-limit code without a wait, or another error with one, follows the retry curve', () => {
  assert.equal(settle({ error: new TransientError('429', { code: 'rate_limited' }) }, { deliveryCount: 20 }, service).kind, 'dead-letter');
  const s = settle({ error: new TransientError('503', { retryAfterMs: 13 * HOUR }) }, { deliveryCount: 1 }, service) as { delayMs: number };
  assert.equal(s.delayMs, 40 * 60_000);
});

const windowed = { ...service, retryWindowMs: 24 * HOUR };
const history = (failingForMs: number, failures = 19, blockWaits = 0) => ({ failures, blockWaits, failingForMs });

test('with a retry window, a transient failure past MAX_DELIVER is retried until the window since its first failure closes', () => {
  const outage = new TransientError('Zoho 503');
  const stillOpen = settle({ error: outage }, { deliveryCount: 60, retries: history(5 * HOUR, 59) }, windowed, () => 0);
  assert.deepEqual([stillOpen.kind, (stillOpen as { delayMs: number }).delayMs], ['retry', 10 * 60_000]);
  const closed = settle({ error: outage }, { deliveryCount: 160, retries: history(24 * HOUR, 159) }, windowed);
  assert.equal(closed.kind, 'dead-letter');
  assert.match((closed as { reason: string }).reason, /^gave up after 160 deliveries over 24 h: Zoho 503$/);
});

test('the window never cuts MAX_DELIVER short, and without a history (a replay, an unreadable ledger) MAX_DELIVER alone decides', () => {
  const outage = new TransientError('store down');
  assert.equal(settle({ error: outage }, { deliveryCount: 5, retries: history(30 * HOUR, 4) }, windowed).kind, 'retry');
  assert.equal(settle({ error: outage }, { deliveryCount: 20 }, windowed).kind, 'dead-letter');
  assert.equal(settle({ error: outage }, { deliveryCount: 20, retries: history(HOUR) }, { ...windowed, retryWindowMs: 0 }).kind, 'dead-letter');
  assert.equal(settle({ error: new PermanentError('Zoho 400') }, { deliveryCount: 1, retries: history(0, 0) }, windowed).kind, 'dead-letter');
});

test('with a history, rate-limit blocks spend only their own allowance, however many failures came before', () => {
  const block = dailyQuotaBlock(HOUR);
  const s = settle({ error: block }, { deliveryCount: 90, retries: history(2 * HOUR, 80, 9) }, windowed);
  assert.deepEqual([s.kind, (s as { block?: true }).block], ['retry', true]);
  const spent = settle({ error: block }, { deliveryCount: 40, retries: history(0, 9, BLOCK_WAIT_DELIVERIES) }, windowed);
  assert.equal(spent.kind, 'dead-letter');
});

test('deliveries that settled as retries are not taken for deliveries that never settled', () => {
  assert.equal(settleUnsettled({ deliveryCount: 120, retries: history(10 * HOUR, 119) }, windowed), undefined);
  assert.equal(settleUnsettled({ deliveryCount: 120, retries: history(10 * HOUR, 100, 9) }, windowed), undefined);
  const crashed = settleUnsettled({ deliveryCount: 120, retries: history(10 * HOUR, 60, 0) }, { ...windowed, blockWaitDeliveries: 0 });
  assert.equal(crashed?.kind, 'dead-letter');
  assert.match((crashed as { reason: string }).reason, /delivered 120 times \(60 of them retried\) of 20/);
});

test('a concurrency refusal (1070) is retried as a transient failure after its wait, not counted as a block wait', () => {
  const s = settle({ error: new TransientError('too many calls in flight', { code: '1070', retryAfterMs: 5_000 }) }, { deliveryCount: 1 }, service, () => 0);
  assert.deepEqual([s.kind, (s as { delayMs: number }).delayMs, (s as { block?: true }).block], ['retry', 5_000, undefined]);
});
