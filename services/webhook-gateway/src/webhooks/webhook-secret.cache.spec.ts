import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionEntity, ConnectionStore } from '@connector/persistence';
import { WebhookSecretCache } from './webhook-secret.cache';

/** A connection store whose lookups are counted and answered when the test says so. */
function store(secrets: Record<string, string>, previous: Record<string, { secret: string; until: Date }> = {}) {
  const store = {
    finds: 0,
    failNext: false,
    gate: Promise.resolve(),
    async find(id: string) {
      store.finds++;
      await store.gate;
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
  const cache = new WebhookSecretCache(connections as unknown as ConnectionStore);
  const waiting = Array.from({ length: 50 }, () => cache.secretsFor('conn-1'));
  open();
  assert.deepEqual((await Promise.all(waiting)).map((secrets) => secrets?.current), Array(50).fill('s3cret'));
  assert.equal(connections.finds, 1);
  assert.deepEqual(cache.secretsFor('conn-1'), { current: 's3cret' }, 'then served from the cache without a promise');
  assert.equal(connections.finds, 1);
});

test('an unknown connection is cached as null; a failed lookup is not cached', async () => {
  const connections = store({});
  const cache = new WebhookSecretCache(connections as unknown as ConnectionStore);
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
  const cache = new WebhookSecretCache(connections as unknown as ConnectionStore);
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 'old' });
  t.mock.timers.tick(10_001);
  const again = await Promise.all([cache.secretsFor('conn-1'), cache.secretsFor('conn-1'), cache.secretsFor('conn-1')]);
  assert.deepEqual(again.map((secrets) => secrets?.current), ['old', 'old', 'old']);
  assert.equal(connections.finds, 2);
});

test('a rotated secret comes with the one before it, and the end of its grace period', async () => {
  const until = new Date('2026-11-29T12:00:00Z');
  const cache = new WebhookSecretCache(store({ 'conn-1': 'new' }, { 'conn-1': { secret: 'old', until } }) as unknown as ConnectionStore);
  assert.deepEqual(await cache.secretsFor('conn-1'), { current: 'new', previous: { secret: 'old', until: until.getTime() } });
});
