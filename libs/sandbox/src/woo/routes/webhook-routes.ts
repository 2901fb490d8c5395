import { dateParam, enumValue, pageOf, parseCollectionParams, sortBy } from '../collection-query';
import { idParam, param, truthy, type WooRestContext, type WooResult, type WooRoute } from '../rest-context';
import type { WebhookRecord } from '../store-records';
import { webhookJson } from '../webhook-json';
import { isValidTopic } from '../webhook-topics';
import { ParamErrors, WpRestError } from '../wp-errors';
import { gmtDate, restBase } from '../wp-format';

/** /wc/v3/webhooks (specs/woocommerce.md §3.6). */

const STATUSES = ['active', 'paused', 'disabled'] as const;

const invalidTopic = () => new WpRestError(400, 'woocommerce_rest_shop_webhook_invalid_topic', 'Webhook topic is required and must be valid.');
const invalidUrl = () =>
  new WpRestError(400, 'woocommerce_rest_shop_webhook_invalid_delivery_url', 'Webhook delivery URL must be a valid URL starting with http:// or https://.');

/** wc_is_valid_url: http(s) scheme and a parseable URL with a host. */
function isValidDeliveryUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

function findWebhook(ctx: WooRestContext, error: () => WpRestError): WebhookRecord {
  const webhook = ctx.state.webhooks.get(idParam(ctx));
  if (!webhook) throw error();
  return webhook;
}

function list(ctx: WooRestContext): WooResult {
  const errors = new ParamErrors();
  const params = parseCollectionParams(ctx.query, { orderby: ['date', 'id', 'title'], defaultOrderby: 'date', defaultOrder: 'desc' }, errors);
  const status = enumValue(errors, ctx.query, 'status', ['all', ...STATUSES] as const, 'all');
  const after = dateParam(errors, ctx.query, 'after');
  const before = dateParam(errors, ctx.query, 'before');
  errors.throwIfAny();
  const search = params.search?.toLowerCase();
  let webhooks = [...ctx.state.webhooks.values()].filter((w) => {
    if (status !== 'all' && w.status !== status) return false;
    if (search && !w.name.toLowerCase().includes(search)) return false;
    if (params.include && !params.include.includes(w.id)) return false;
    if (params.exclude && params.exclude.includes(w.id)) return false;
    if (after && !(gmtDate(w.createdAt)! > after)) return false;
    if (before && !(gmtDate(w.createdAt)! < before)) return false;
    return true;
  });
  const key = params.orderby === 'id' ? (w: WebhookRecord) => w.id : params.orderby === 'title' ? (w: WebhookRecord) => w.name.toLowerCase() : (w: WebhookRecord) => w.createdAt;
  webhooks = sortBy(webhooks, key, params.order);
  const page = pageOf(webhooks, params, `${restBase(ctx.view)}/webhooks`, ctx.rawQuery);
  return { status: 200, body: page.rows.map((w) => webhookJson(ctx.view, w)), headers: page.headers };
}

async function create(ctx: WooRestContext): Promise<WooResult> {
  if (param(ctx, 'id') !== undefined) throw new WpRestError(400, 'woocommerce_rest_shop_webhook_exists', 'Cannot create existing shop_webhook.');
  const topic = param(ctx, 'topic');
  if (typeof topic !== 'string' || !isValidTopic(topic.toLowerCase())) throw invalidTopic();
  const deliveryUrl = param(ctx, 'delivery_url');
  if (!isValidDeliveryUrl(deliveryUrl)) throw invalidUrl();
  const name = param(ctx, 'name');
  const secret = param(ctx, 'secret');
  // create_item() ignores `status`: a new webhook is always active. It pings before answering.
  const webhook = ctx.store.newWebhook({
    topic,
    deliveryUrl,
    name: typeof name === 'string' && name !== '' ? name : undefined,
    secret: typeof secret === 'string' && secret !== '' ? secret : undefined,
  });
  await ctx.store.webhookSaved(webhook, true);
  return {
    status: 201,
    body: webhookJson(ctx.view, webhook),
    headers: { Location: `${restBase(ctx.view)}/webhooks/${webhook.id}` },
  };
}

function get(ctx: WooRestContext): WooResult {
  const webhook = findWebhook(ctx, () => new WpRestError(404, 'woocommerce_rest_shop_webhook_invalid_id', 'Invalid ID.'));
  return { status: 200, body: webhookJson(ctx.view, webhook) };
}

async function update(ctx: WooRestContext): Promise<WooResult> {
  const webhook = findWebhook(ctx, () => new WpRestError(400, 'woocommerce_rest_shop_webhook_invalid_id', 'ID is invalid.'));
  const topic = param(ctx, 'topic');
  if (topic !== undefined && (typeof topic !== 'string' || !isValidTopic(topic.toLowerCase()))) throw invalidTopic();
  const deliveryUrl = param(ctx, 'delivery_url');
  if (deliveryUrl !== undefined && !isValidDeliveryUrl(deliveryUrl)) throw invalidUrl();
  const status = param(ctx, 'status');
  if (status !== undefined && !(STATUSES as readonly unknown[]).includes(status)) {
    throw new WpRestError(400, 'woocommerce_rest_shop_webhook_invalid_status', 'Webhook status must be valid.');
  }
  const urlChanged = typeof deliveryUrl === 'string' && deliveryUrl !== webhook.deliveryUrl;
  if (typeof topic === 'string') webhook.topic = topic.toLowerCase();
  if (typeof deliveryUrl === 'string') webhook.deliveryUrl = deliveryUrl;
  if (typeof status === 'string') webhook.status = status as WebhookRecord['status'];
  const name = param(ctx, 'name');
  if (typeof name === 'string') webhook.name = name;
  const secret = param(ctx, 'secret');
  if (typeof secret === 'string' && secret !== '') webhook.secret = secret;
  webhook.modifiedAt = ctx.state.nowSeconds();
  await ctx.store.webhookSaved(webhook, urlChanged);
  return { status: 200, body: webhookJson(ctx.view, webhook) };
}

function remove(ctx: WooRestContext): WooResult {
  const webhook = findWebhook(ctx, () => new WpRestError(404, 'woocommerce_rest_shop_webhook_invalid_id', 'Invalid ID.'));
  if (!truthy(param(ctx, 'force'))) throw new WpRestError(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
  const before = webhookJson(ctx.view, webhook);
  ctx.state.webhooks.delete(webhook.id);
  return { status: 200, body: before };
}

export const webhookRoutes: Array<[string[], string, WooRoute]> = [
  [['GET'], '/wc/v3/webhooks', { action: 'list', handler: list }],
  [['POST'], '/wc/v3/webhooks', { action: 'create', required: ['topic', 'delivery_url'], handler: create }],
  [['GET'], '/wc/v3/webhooks/:id', { action: 'view', handler: get }],
  [['PUT', 'PATCH', 'POST'], '/wc/v3/webhooks/:id', { action: 'edit', handler: update }],
  [['DELETE'], '/wc/v3/webhooks/:id', { action: 'delete', handler: remove }],
];
