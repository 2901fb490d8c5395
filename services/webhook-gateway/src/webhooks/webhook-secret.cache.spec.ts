import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@connector/common';
import type { ConnectionEntity, ConnectionStore } from '@connector/persistence';
import { WebhookSecretCache } from './webhook-secret.cache';

const cacheOver = (connections: ReturnType<typeof store>) =>
  new WebhookSecretCache(connections as unknown as ConnectionStore, createLogger('test', 'silent'));

/** A connection store whose lookups are counted and answered when the test says so. */
function store(secrets: Record<string, string>, previous: Record<string, { secret: string; until: Date }> = {}) {
  const store = {
    finds: 0,
    failNext: false,
    down: false,
    gate: Promise.resolve(),
    async find(id: string) {
      store.finds++;
      await store.gate;
      if (store.down) throw new Error('PostgreSQL unavailable');
      if (store.failNext) {
        store.failNext = false;
        throw new Error('PostgreSQL unavailable');
      }
      return id in secrets ? ({ id } as ConnectionEntity) : null;
    },
    webhookSecret: (connection: ConnectionEntity) => secrets[connection.id]!,
    previousWebhookSecret: (connection: ConnectionEntity) => previous[connection.id],
  };
  return store;
}

test('deliveries arriving together while the secret is looked up share one lookup', async () => {
  const connections = store({ 'conn-1': 's3cret' });
  let open!: () => void;
  connections.gate = new Promise((resolve) => (open = resolve));
  const cache = cacheOver(connections);
  const waiting = Array.from({ length: 50 }, () => cache.secretsFor('conn-1'));
  open();
  assert.deepEqual((await Promise.all(waiting)).map((secrets) => secrets?.current), Array(50).fill('s3cret'));
  assert.equal(connections.finds, 1);
  assert.deepEqual(cache.secretsFor('conn-1'), { current: 's3cret' }, 'then served from the cache without a promise');
  assert.equal(connections.finds, 1);
});

test('an unknown connection is cached as null; a failed lookup is not cached', async () => {
  const connections = store({});
  const cache = cacheOver(connections);
  assert.equal(await cache.secretsFor('nope'), null);
  assert.equal(await cache.secretsFor('nope'), null);
  assert.equal(connections.finds, 1);

  connections.failNext = true;
  await assert.rejects(Promise.resolve(cache.secretsFor('other')), /PostgreSQL unavailable/);
  assert.equal(await cache.secretsFor('other'), null, 'the next delivery looks it up again');
  assert.equal(connections.finds, 3);
});

test('an expired entry is looked up again, once', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const connections = store({ 'conn-1': 'old' });
  const cache = cacheOver(connections);
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 'old' });
  t.mock.timers.tick(10_001);
  const again = await Promise.all([cache.secretsFor('conn-1'), cache.secretsFor('conn-1'), cache.secretsFor('conn-1')]);
  assert.deepEqual(again.map((secrets) => secrets?.current), ['old', 'old', 'old']);
  assert.equal(connections.finds, 2);
});

test('a rotated secret comes with the one before it, and the end of its grace period', async () => {
  const until = new Date('2026-11-29T12:00:00Z');
  const cache = cacheOver(store({ 'conn-1': 'new' }, { 'conn-1': { secret: 'old', until } }));
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 'new', previous: { secret: 'old', until: until.getTime() } });
});

test('a reload after a signature mismatch sees a rotated secret at once; mismatches together share one read, at most one a second', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const secrets = { 'conn-1': 'old' };
  const connections = store(secrets);
  const cache = cacheOver(connections);
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 'old' });
  secrets['conn-1'] = 'new';

  const together = await Promise.all(Array.from({ length: 20 }, () => cache.reloaded('conn-1')));
  assert.deepEqual(together.map((secrets) => secrets?.current), Array(20).fill('new'));
  assert.equal(connections.finds, 2, 'one read for all of them');
  assert.deepEqual(cache.secretsFor('conn-1'), { current: 'new' }, 'and the cache holds what it read');

  t.mock.timers.tick(999);
  assert.equal(await cache.reloaded('conn-1'), undefined, 'not read again within a second');
  assert.equal(connections.finds, 2);
  t.mock.timers.tick(1);
  assert.deepEqual(await cache.reloaded('conn-1'), { current: 'new' });
  assert.equal(connections.finds, 3);
});

test('a reload that fails is a failure, not the cached secrets (they were just found wanting)', async () => {
  const connections = store({ 'conn-1': 'old' });
  const cache = cacheOver(connections);
  await cache.secretsFor('conn-1');
  connections.down = true;
  await assert.rejects(cache.reloaded('conn-1'), /PostgreSQL unavailable/);
});

test('while PostgreSQL is down, expired secrets up to 10 minutes old are served, PostgreSQL retried once a second', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const connections = store({ 'conn-1': 's3cret' });
  const cache = cacheOver(connections);
  await cache.secretsFor('conn-1');
  connections.down = true;

  t.mock.timers.tick(10_001);
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 's3cret' });
  assert.deepEqual(cache.secretsFor('conn-1'), { current: 's3cret' }, 'from the cache, without a read, for a second');
  assert.equal(connections.finds, 2);
  t.mock.timers.tick(1_000);
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 's3cret' });
  assert.equal(connections.finds, 3);

  t.mock.timers.tick(10 * 60_000 - 11_001);
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 's3cret' }, 'exactly 10 minutes old');
  t.mock.timers.tick(1_000);
  await assert.rejects(Promise.resolve(cache.secretsFor('conn-1')), /PostgreSQL unavailable/, 'older is not served');

  connections.down = false;
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 's3cret' }, 'and read again once PostgreSQL is back');
});
