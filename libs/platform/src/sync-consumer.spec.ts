import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@connector/common';
import { BLOCK_WAIT_DELIVERIES } from '@connector/messaging';
import { retrySettings, syncConsumer, SyncServiceConfig } from './sync-service.config';

const base = { ENCRYPTION_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' };

test('the consumer may hold far more events than one blocked organization can put back', () => {
  assert.equal(syncConsumer(loadConfig(SyncServiceConfig, base), 'invoice-sync', 'order').maxAckPending, 20_000);
  assert.equal(syncConsumer(loadConfig(SyncServiceConfig, { ...base, MAX_ACK_PENDING: '50000' }), 'invoice-sync', 'order').maxAckPending, 50_000);
});

test('a MAX_ACK_PENDING too small to outlast a blocked organization stops the service at boot', () => {
  assert.throws(() => loadConfig(SyncServiceConfig, { ...base, MAX_ACK_PENDING: '100' }), /MAX_ACK_PENDING/);
  assert.throws(() => loadConfig(SyncServiceConfig, { ...base, MAX_ACK_PENDING: 'lots' }), /MAX_ACK_PENDING/);
});

test('waiting out rate-limit blocks has its own allowance of deliveries on top of MAX_DELIVER', () => {
  const retry = retrySettings(loadConfig(SyncServiceConfig, { ...base, MAX_DELIVER: '7' }));
  assert.deepEqual([retry.maxDeliver, retry.blockWaitDeliveries], [7, BLOCK_WAIT_DELIVERIES]);
});
