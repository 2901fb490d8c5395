import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WooWebhook } from '@connector/contracts';
import { assessWebhooks } from './webhook-health';

const URL_OURS = 'https://connector.example.com/webhooks/woocommerce/abc';
const TOPICS = ['order.created', 'order.updated'];

function hook(id: number, topic: string, status: WooWebhook['status'], url = URL_OURS): WooWebhook {
  return {
    id, name: `Connector ${topic}`, status, topic, resource: topic.split('.')[0]!, event: topic.split('.')[1]!, hooks: [],
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
    { topic: 'order.created', id: 1, status: 'disabled', message: 'webhook 1 for order.created is disabled' },
    { topic: 'order.updated', status: 'missing', message: 'no webhook delivers order.updated' },
  ]);
  assert.deepEqual(health.webhooks.map((w) => w.id), [1]);
  assert.equal(assessWebhooks([hook(1, 'order.created', 'paused'), hook(2, 'order.updated', 'active')], URL_OURS, TOPICS).problems[0]!.status, 'paused');
});

test('an active duplicate makes a topic healthy', () => {
  const health = assessWebhooks([hook(1, 'order.created', 'disabled'), hook(2, 'order.created', 'active'), hook(3, 'order.updated', 'active')], URL_OURS, TOPICS);
  assert.equal(health.healthy, true);
});
