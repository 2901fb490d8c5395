import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@connector/common';
import { databasePoolSize } from './database-pool';
import { PlatformConfig } from './platform.config';
import { SyncServiceConfig } from './sync-service.config';

const base = { ENCRYPTION_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' };

test('environment strings become typed settings', () => {
  const config = loadConfig(SyncServiceConfig, { ...base, HTTP_PORT: '0', CONCURRENCY: '3', MIGRATIONS_RUN: 'false', ALLOW_PRIVATE_ENDPOINTS: 'true' });
  assert.equal(config.HTTP_PORT, 0);
  assert.equal(config.CONCURRENCY, 3);
  assert.equal(config.MIGRATIONS_RUN, false);
  assert.equal(config.ALLOW_PRIVATE_ENDPOINTS, true);
  assert.equal(config.ZOHO_RATE_LIMIT_PER_MINUTE, 100);
});

test('a bad setting stops the service at boot, naming the variable', () => {
  assert.throws(() => loadConfig(SyncServiceConfig, { ...base, CONCURRENCY: 'lots' }), /CONCURRENCY/);
  assert.throws(() => loadConfig(SyncServiceConfig, { ...base, NATS_URL: 'localhost' }), /NATS_URL must look like/);
  assert.throws(() => loadConfig(SyncServiceConfig, {}), /ENCRYPTION_KEYS is required/);
});

test('the database pool is sized from CONCURRENCY unless DB_POOL_SIZE says otherwise', () => {
  assert.equal(databasePoolSize(loadConfig(SyncServiceConfig, base)), 20);
  assert.equal(databasePoolSize(loadConfig(SyncServiceConfig, { ...base, CONCURRENCY: '16' })), 36);
  assert.equal(databasePoolSize(loadConfig(SyncServiceConfig, { ...base, CONCURRENCY: '1' })), 10);
  assert.equal(databasePoolSize(loadConfig(SyncServiceConfig, { ...base, CONCURRENCY: '16', DB_POOL_SIZE: '24' })), 24);
  assert.equal(databasePoolSize(loadConfig(PlatformConfig, base)), 10);
});

test('a pool too small for CONCURRENCY stops the service at boot', () => {
  assert.throws(() => loadConfig(SyncServiceConfig, { ...base, CONCURRENCY: '16', DB_POOL_SIZE: '10' }), /CONCURRENCY=16 needs DB_POOL_SIZE of at least 20/);
  assert.throws(() => loadConfig(SyncServiceConfig, { ...base, DB_POOL_SIZE: 'many' }), /DB_POOL_SIZE/);
});

test('time limits on NATS calls and publishes are settings with sane floors', () => {
  const config = loadConfig(PlatformConfig, { ...base, RPC_TIMEOUT_MS: '45000', PUBLISH_TIMEOUT_MS: '2500' });
  assert.equal(config.RPC_TIMEOUT_MS, 45_000);
  assert.equal(config.PUBLISH_TIMEOUT_MS, 2_500);
  assert.equal(loadConfig(PlatformConfig, base).RPC_TIMEOUT_MS, 30_000);
  assert.throws(() => loadConfig(PlatformConfig, { ...base, RPC_TIMEOUT_MS: '10' }), /RPC_TIMEOUT_MS/);
  assert.throws(() => loadConfig(PlatformConfig, { ...base, PUBLISH_TIMEOUT_MS: '0' }), /PUBLISH_TIMEOUT_MS/);
});
