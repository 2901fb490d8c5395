'use strict';
/**
 * Driving orders through the running pipeline: post deliveries to the gateway, wait for their
 * invoices to appear in FakeZoho, wait for the sync consumers to go idle.
 */
const { closedLoop } = require('./http-load');
const { waitConsumersIdle } = require('./stack');

/** Posts every request (bounded concurrency); throws unless each was answered 200. */
async function postAll(ctx, requests, concurrency = 16) {
  const result = await closedLoop({
    baseUrl: ctx.stack.gatewayUrl,
    client: ctx.client,
    concurrency,
    maxRequests: requests.length,
    maxMs: 10 * 60_000,
    make: (i) => requests[i],
  });
  if (result.ok !== requests.length) {
    throw new Error(`gateway answered ${JSON.stringify(result.statuses)} (${result.errors} errors: ${result.errorSamples.join('; ')}) for ${requests.length} deliveries`);
  }
  return result;
}

/** Waits for the invoice of each order; returns how many appeared in time. */
async function awaitInvoices(ctx, shop, orders, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  let created = 0;
  for (const order of orders) {
    const left = Math.max(1, deadline - performance.now());
    if ((await ctx.watch.invoiceCreated(shop.orgId, order.number, left)) !== undefined) created += 1;
  }
  return created;
}

/** Signs the shop's customers up, places its warm-up orders, and waits until all is invoiced and idle. */
async function warmUp(ctx, shop) {
  await postAll(ctx, shop.customerDeliveries());
  await waitConsumersIdle(ctx.stack, 60_000);
  const orders = shop.warmupOrders();
  await postAll(ctx, orders.flatMap((o) => shop.deliveries(o, ctx.config.bothTopics)));
  const created = await awaitInvoices(ctx, shop, orders, 120_000);
  if (created !== orders.length) throw new Error(`${shop.name}: only ${created} of ${orders.length} warm-up orders were invoiced\n${ctx.stack.logs('invoice-sync').slice(-3000)}`);
  await waitConsumersIdle(ctx.stack, 60_000);
}

module.exports = { postAll, awaitInvoices, warmUp };
