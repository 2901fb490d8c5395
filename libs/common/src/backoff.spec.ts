import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, blockWaitDelay, MAX_BLOCK_WAIT_MS } from './backoff';

const HOUR = 60 * 60_000;
const policy = { initialDelayMs: 2_000, maxDelayMs: 10 * 60_000, multiplier: 2, jitter: 1 };

test('a Retry-After floor of the retry curve stays capped at four times its longest delay', () => {
  assert.equal(backoffDelay(1, policy, 13 * HOUR, () => 0), 40 * 60_000);
});

test('a block wait covers the whole block, however long, plus at most a minute of jitter', () => {
  assert.equal(blockWaitDelay(13 * HOUR, () => 0), 13 * HOUR);
  assert.equal(blockWaitDelay(13 * HOUR, () => 0.999_999), 13 * HOUR + 60_000);
});

test('a per-minute block stays short: its jitter is a tenth of it', () => {
  assert.equal(blockWaitDelay(60_000, () => 0), 60_000);
  assert.equal(blockWaitDelay(60_000, () => 1), 66_000);
});

test('a block wait never exceeds the ceiling, and a negative hint waits no time', () => {
  assert.equal(blockWaitDelay(40 * HOUR, () => 0.5), MAX_BLOCK_WAIT_MS);
  assert.equal(blockWaitDelay(-5, () => 0), 0);
});
