import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInvoice } from '@connector/accounting';
import type { EnsureItemsRequest, WooOrder } from '@connector/contracts';
import type { InboundEvent, NatsRpcClient } from '@connector/messaging';
import type { ConnectionEntity } from '@connector/persistence';
import type { ZohoBooksClient } from '@connector/zoho-books';
import type { ExchangeRates } from '../zoho/exchange-rates';
import type { OrganizationProfiles } from '../zoho/organization-profiles';
import { InvoiceContextResolver } from './invoice-context.resolver';

const taxes = (rates: Array<[number, string]>) => rates.map(([id, total]) => ({ id, total, subtotal: '' }));

/** A cart at 20% and 5% with a 12.00 loyalty discount, whose tax WooCommerce split over both rates (WC_Cart_Totals). */
function mixedRateCartWithNegativeFee(): WooOrder {
  const product = (id: number, name: string, total: string, tax: string, rateId: number) => ({
    id, name, product_id: id, variation_id: 0, quantity: 1, tax_class: '', subtotal: total, subtotal_tax: tax, total, total_tax: tax,
    taxes: taxes([[rateId, tax]]), meta_data: [], sku: '', price: Number(total),
  });
  const rate = (rate_id: number, label: string, rate_percent: number, tax_total: string) => ({
    id: rate_id + 100, rate_code: label, rate_id, label, compound: false, tax_total, shipping_tax_total: '0.00', rate_percent, meta_data: [],
  });
  return {
    id: 4242, number: '4242', status: 'processing', currency: 'GBP', prices_include_tax: false, customer_id: 0,
    date_created: '2025-03-01T10:00:00', date_created_gmt: '2025-03-01T10:00:00', date_modified_gmt: '2025-03-01T10:00:00',
    total: '126.90', total_tax: '18.90', shipping_total: '0.00', discount_total: '0.00',
    billing: { email: 'jane@example.test' }, shipping: {},
    line_items: [product(1, 'Headphones', '100.00', '20.00', 1), product(2, 'Child seat', '20.00', '1.00', 2)],
    tax_lines: [rate(1, 'VAT', 20, '18.00'), rate(2, 'Reduced rate', 5, '0.90')],
    shipping_lines: [],
    fee_lines: [{ id: 3, name: 'Loyalty discount', tax_class: '', tax_status: 'none', total: '-12.00', total_tax: '-2.10', taxes: taxes([[1, '-2'], [2, '-0.1']]), meta_data: [] }],
    coupon_lines: [],
    refunds: [],
  } as unknown as WooOrder;
}

function resolver(catalogue: { taxes: Array<{ taxId: string; name: string; percentage: string }> }) {
  const rpc = {
    call: async (_subject: string, request: EnsureItemsRequest) => ({
      items: Object.fromEntries(request.lines.map((line) => [line.key, { itemId: `item-${line.key}` }])),
    }),
  } as unknown as NatsRpcClient;
  const profiles = {
    get: async () => ({ pricePrecision: 2, currencyCode: 'GBP', taxes: catalogue, loadedAt: Date.now() }),
    isFresh: () => true,
  } as unknown as OrganizationProfiles;
  const exchangeRates = { rateFor: async () => undefined } as unknown as ExchangeRates;
  return new InvoiceContextResolver(rpc, profiles, exchangeRates);
}

test('a negative fee whose tax is split over two rates needs no tax group: it goes into the adjustment', async () => {
  const order = mixedRateCartWithNegativeFee();
  const connection = { id: 'connection-1', zohoOrganizationId: 'org-1', settings: {} } as unknown as ConnectionEntity;
  const catalogue = { taxes: [{ taxId: 'std', name: 'VAT', percentage: '20' }, { taxId: 'red', name: 'Reduced rate', percentage: '5' }] };
  const { context } = await resolver(catalogue).resolve(connection, order, {} as ZohoBooksClient, { correlationId: 'c-1' } as InboundEvent, { contactId: 'contact-1' });
  const plan = buildInvoice(order, context);
  assert.deepEqual(plan.payload.line_items.map((line) => [line.name, line.tax_id]), [['Headphones', 'std'], ['Child seat', 'red']]);
  assert.equal(plan.adjustment, '-14.10');
  assert.equal(plan.payload.adjustment_description, 'Loyalty discount -14.10');
  assert.deepEqual(plan.warnings, []);
});
