import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WooWebhook } from '@connector/contracts';
import { assessWebhooks } from './webhook-health';

const URL_OURS = 'https://connector.example.com/webhooks/woocommerce/abc';
const TOPICS = ['order.created', 'order.updated'];

function hook(id: number, topic: string, status: WooWebhook['status'], url = URL_OURS, name = `Connector ${topic}`): WooWebhook {
  return {
    id, name, status, topic, resource: topic.split('.')[0]!, event: topic.split('.')[1]!, hooks: [],
    delivery_url: url, date_created: '', date_created_gmt: '', date_modified: null, date_modified_gmt: null,
  };
}

test('healthy when every topic has an active webhook to our URL', () => {
  const health = assessWebhooks([hook(1, 'order.created', 'active'), hook(2, 'order.updated', 'active', `${URL_OURS}/`)], URL_OURS, TOPICS);
  assert.equal(health.healthy, true);
  assert.deepEqual(health.problems, []);
  assert.deepEqual(health.webhooks.map((w) => w.id), [1, 2]);
});

test('disabled, paused and missing topics are problems; other URLs are ignored', () => {
  const health = assessWebhooks(
    [hook(1, 'order.created', 'disabled'), hook(3, 'order.updated', 'active', 'https://other.example.com/hook')],
    URL_OURS,
    TOPICS,
  );
  assert.equal(health.healthy, false);
  assert.deepEqual(health.problems, [
    { topic: 'order.created', id: 1, status: 'disabled', kind: 'disabled', message: 'webhook 1 for order.created is disabled' },
    { topic: 'order.updated', status: 'missing', kind: 'missing', message: 'no webhook delivers order.updated' },
  ]);
  assert.deepEqual(health.webhooks.map((w) => w.id), [1]);
  assert.deepEqual(assessWebhooks([hook(1, 'order.created', 'paused'), hook(2, 'order.updated', 'active')], URL_OURS, TOPICS).problems, [
    { topic: 'order.created', id: 1, status: 'paused', kind: 'paused', message: 'webhook 1 for order.created is paused' },
  ]);
});

test('a paused webhook is a person\'s choice: reported as paused even beside a disabled duplicate', () => {
  const health = assessWebhooks([hook(1, 'order.created', 'disabled'), hook(2, 'order.created', 'paused'), hook(3, 'order.updated', 'active')], URL_OURS, TOPICS);
  assert.deepEqual(health.problems.map((p) => `${p.id}:${p.kind}`), ['2:paused']);
});

test('given the current name, an active webhook named with an old secret\'s fingerprint is a problem', () => {
  const current = (topic: string) => `Connector ${topic} [new]`;
  const health = assessWebhooks(
    [hook(1, 'order.created', 'active', URL_OURS, 'Connector order.created [old]'), hook(2, 'order.updated', 'active', URL_OURS, 'Connector order.updated [new]')],
    URL_OURS,
    TOPICS,
    current,
  );
  assert.equal(health.healthy, false);
  assert.deepEqual(health.problems, [{ topic: 'order.created', id: 1, status: 'active', kind: 'old-secret', message: 'webhook 1 for order.created signs with an old secret' }]);
  // A current-named active duplicate delivers with the current secret.
  assert.equal(assessWebhooks([hook(1, 'order.created', 'active', URL_OURS, 'x'), hook(4, 'order.created', 'active', URL_OURS, current('order.created')), hook(2, 'order.updated', 'active', URL_OURS, current('order.updated'))], URL_OURS, TOPICS, current).healthy, true);
  // A disabled webhook with an old name is disabled (its repair re-keys it too).
  assert.equal(assessWebhooks([hook(1, 'order.created', 'disabled', URL_OURS, 'x'), hook(2, 'order.updated', 'active', URL_OURS, current('order.updated'))], URL_OURS, TOPICS, current).problems[0]!.kind, 'disabled');
});

test('an active duplicate makes a topic healthy', () => {
  const health = assessWebhooks([hook(1, 'order.created', 'disabled'), hook(2, 'order.created', 'active'), hook(3, 'order.updated', 'active')], URL_OURS, TOPICS);
  assert.equal(health.healthy, true);
});
