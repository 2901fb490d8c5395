import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from './start-sandbox';
import { BooksTestClient, mintAccessToken } from '../test-support/zoho-test-client';
import { WebhookReceiver, wooRequest } from '../test-support/woo-test-client';

describe('startSandbox', () => {
  let sandbox: Sandbox;
  let receiver: WebhookReceiver;
  before(async () => {
    sandbox = await startSandbox({ controlApi: true });
    receiver = await WebhookReceiver.start();
  });
  after(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it('provisions a Zoho organisation whose taxes match the store rates, and a working OAuth client', async () => {
    const { zoho, org, zohoClient, woo } = sandbox;
    const token = await mintAccessToken(zoho, zohoClient, zohoClient.refreshToken);
    const books = new BooksTestClient(zoho, token, org.organization_id);
    const taxes = (await books.get('/settings/taxes')).body.taxes as Array<{ tax_percentage: number }>;
    for (const rate of woo.taxRates) assert.ok(taxes.some((t) => t.tax_percentage === Number(rate.rate)), `no Zoho tax for ${rate.rate}%`);
    assert.equal(org.currency_code, woo.currency);
  });

  it('a refresh token with the scopes given (as `npm start` passes the product\'s) reaches only what they grant', async () => {
    const scoped = await startSandbox({ scopes: ['ZohoBooks.settings.READ'] });
    try {
      const token = await mintAccessToken(scoped.zoho, scoped.zohoClient, scoped.zohoClient.refreshToken);
      const books = new BooksTestClient(scoped.zoho, token, scoped.org.organization_id);
      assert.equal((await books.get('/settings/taxes')).status, 200);
      const refused = await books.get('/invoices');
      assert.deepEqual([refused.status, refused.body.code], [401, 57]);
    } finally {
      await scoped.close();
    }
  });

  it('seeds products (including a variable one) and customers', async () => {
    const products = await wooRequest(sandbox.woo, 'GET', '/products?per_page=100');
    assert.ok(products.body.some((p: { type: string }) => p.type === 'variable'));
    assert.ok(products.body.length >= 4);
    const customers = await wooRequest(sandbox.woo, 'GET', '/customers');
    assert.equal(customers.body.length, 3);
  });

  it('places sample orders that fire registered webhooks, also through the control endpoint', async () => {
    await wooRequest(sandbox.woo, 'POST', '/webhooks', { topic: 'order.created', delivery_url: receiver.url });
    const order = sandbox.placeSampleOrder();
    assert.ok(Number(order.total) > 0);
    const viaControl = await fetch(`${sandbox.woo.url}/__sandbox/orders`, { method: 'POST' });
    assert.equal(viaControl.status, 201);
    await sandbox.woo.flushDeliveries();
    const ids = receiver.deliveries().map((d) => JSON.parse(d.body).id);
    assert.deepEqual(ids, [order.id, ((await viaControl.json()) as { id: number }).id]);
  });

  it('the CLI refunds an order by amount through the control endpoint, and says what the store refused', async () => {
    const cli = join(__dirname, '..', 'cli.js');
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args, '--woo-url', sandbox.woo.url]);
    const order = sandbox.placeSampleOrder();
    const { stdout } = await run('refund', '--order', String(order.id), '--amount', '1.00', '--reason', 'scratched');
    const printed = JSON.parse(stdout) as { orderId: number; refundId: number; amount: string };
    assert.equal(printed.orderId, order.id);
    assert.equal(printed.amount, '1.00');
    const refunded = sandbox.woo.getOrder(order.id).refunds;
    assert.deepEqual(refunded.map((r) => [r.id, r.reason, r.total]), [[printed.refundId, 'scratched', '-1.00']]);
    await assert.rejects(run('refund', '--order', String(order.id), '--amount', '999999.00'), /answered 400: .*refund/i);
    await assert.rejects(run('refund', '--amount', '1.00'), /refund needs --order ID and --amount X/);
  });
});
