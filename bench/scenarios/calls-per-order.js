'use strict';
/**
 * 3. Zoho calls per order, counted by FakeZoho for one organization: a stream of repeat customers
 * buying known products (the floor is one call: the invoice itself), then a realistic mix with
 * first-time customers and new SKUs. A fresh shop and organization, warmed up first, so the
 * one-off look-ups (organization profile, taxes, currencies) are not charged to the stream.
 */
const { openLoop, post } = require('../lib/http-load');
const { awaitInvoices, warmUp } = require('../lib/pipeline');
const { waitConsumersIdle } = require('../lib/stack');
const { fmtNum } = require('../lib/stats');
const { BenchShop } = require('../lib/woo');
const { countKinds } = require('../lib/zoho-watch');

const MIX = ['repeat', 'new-customer', 'repeat', 'repeat', 'new-sku', 'repeat', 'new-customer', 'repeat', 'repeat', 'new-customer', 'repeat', 'new-sku', 'repeat', 'new-customer', 'repeat', 'repeat', 'new-sku', 'repeat', 'new-customer', 'repeat'];

async function stream(ctx, shop, count, kindOf) {
  const orders = [];
  const kinds = {};
  const second = [];
  const mark = ctx.watch.mark();
  const load = await openLoop({
    baseUrl: ctx.stack.gatewayUrl,
    client: ctx.client,
    ratePerSecond: ctx.config.calls.ratePerSecond,
    durationMs: 10 * 60_000,
    maxRequests: count,
    make: (i) => {
      const kind = kindOf(i);
      kinds[kind] = (kinds[kind] || 0) + 1;
      const order = shop.place(kind);
      orders[i] = order;
      const [first, ...rest] = shop.deliveries(order, ctx.config.bothTopics);
      order.rest = rest;
      return first;
    },
    // The second delivery (order.updated) right after the first was answered, as in e2e.
    onResponse: (res, i) => {
      for (const request of orders[i].rest) second.push(post(ctx.client, ctx.stack.gatewayUrl, request));
    },
  });
  await Promise.allSettled(second);
  const placed = orders.filter(Boolean);
  const created = await awaitInvoices(ctx, shop, placed, 120_000);
  await waitConsumersIdle(ctx.stack, 60_000);
  const calls = ctx.watch.since(mark, shop.orgId);
  return { orders: placed.length, created, calls, kinds, non200: load.sent - load.ok };
}

function describeKinds(calls) {
  return Object.entries(countKinds(calls))
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');
}

async function run(ctx) {
  const { config } = ctx;
  const shop = await BenchShop.create(ctx.stack, { name: 'Calls shop', perMinute: config.quota.perMinute, customers: 10, products: 10 });
  const stopShop = ctx.defer(() => shop.stop());
  ctx.stack.zoho.faults.latency(0);
  await warmUp(ctx, shop);

  await ctx.quiet('calls per order');
  const win = await ctx.monitor.begin('calls per order');
  const repeat = await stream(ctx, shop, config.calls.repeatOrders, () => 'repeat');
  const mix = await stream(ctx, shop, config.calls.mixOrders, (i) => MIX[i % MIX.length]);
  ctx.cpuWindows.push(await ctx.monitor.end(win));

  const perOrder = repeat.calls.length / repeat.orders;
  ctx.results.callsRepeat = perOrder;
  ctx.row({
    scenario: '3. Zoho calls per order',
    metric: `repeat customers, known products (${repeat.orders} orders${config.bothTopics ? ', created + updated each' : ''})`,
    measured: `${fmtNum(perOrder, 2)} calls/order: ${describeKinds(repeat.calls) || 'none'}${repeat.created !== repeat.orders ? ` (${repeat.orders - repeat.created} not invoiced)` : ''}`,
    reference: 'floor: 1 (the invoice)',
    target: '1.00',
    value: fmtNum(perOrder, 2),
    pass: Math.abs(perOrder - 1) < 0.005 && repeat.created === repeat.orders,
  });
  const mixPerOrder = mix.calls.length / mix.orders;
  // What the matching rules need: one invoice per order; a new contact is searched by email and
  // created (2); a new item is searched by SKU, then by name, and created (3).
  const floor = (mix.orders + 2 * (mix.kinds['new-customer'] || 0) + 3 * (mix.kinds['new-sku'] || 0)) / mix.orders;
  ctx.results.callsMix = mixPerOrder;
  ctx.row({
    scenario: '3. Zoho calls per order',
    metric: `realistic mix (${Object.entries(mix.kinds).map(([k, v]) => `${v} ${k}`).join(', ')})`,
    measured: `${fmtNum(mixPerOrder, 2)} calls/order: ${describeKinds(mix.calls)}${mix.created !== mix.orders ? ` (${mix.orders - mix.created} not invoiced)` : ''}`,
    reference: `by the matching rules (invoice; contact: search + create; item: SKU search, name search, create): ${fmtNum(floor, 2)}`,
    target: '—',
    value: fmtNum(mixPerOrder, 2),
    pass: null,
  });
  if (!(Math.abs(perOrder - 1) < 0.005)) {
    ctx.diagnose(`Zoho calls per repeat order ${fmtNum(perOrder, 2)} instead of 1.00: ${describeKinds(repeat.calls)}. Every call beyond the invoice is paid for in the rate limit (100/min per organization).`);
  }
  await stopShop();
}

module.exports = { name: 'calls', run };
