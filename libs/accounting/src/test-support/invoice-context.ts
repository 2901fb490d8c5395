import type { WooLineItem, WooOrder } from '@connector/contracts';
import { Decimal } from '../money/decimal';
import type { InvoiceContext } from '../order-to-invoice';
import { appliedRateIds, mapOrderTaxes, type ZohoTaxCatalogue } from '../tax-mapping';

/**
 * A Zoho tax catalogue that covers an order: one tax per stated WooCommerce rate, and one group
 * per combination of rates found on a line. Only for orders whose tax lines state `rate_percent`.
 */
export function catalogueCovering(order: WooOrder): ZohoTaxCatalogue {
  const percentOf = (rateId: number) => {
    const line = order.tax_lines.find((tax) => tax.rate_id === rateId);
    if (line?.rate_percent === undefined) throw new Error(`rate ${rateId} has no rate_percent`);
    return Decimal.fromNumber(line.rate_percent);
  };
  const taxes = order.tax_lines.map((line) => ({
    taxId: `zoho-tax-${line.rate_id}`,
    name: line.label,
    percentage: percentOf(line.rate_id),
    compound: line.compound,
  }));
  const combinations = new Map<string, number[]>();
  for (const line of [...order.line_items, ...order.shipping_lines, ...order.fee_lines]) {
    const ids = appliedRateIds(line.taxes);
    if (ids.length > 1) combinations.set(ids.join('+'), ids);
  }
  const groups = [...combinations.values()].map((ids) => ({
    taxId: `zoho-group-${ids.join('-')}`,
    name: ids.map((id) => order.tax_lines.find((tax) => tax.rate_id === id)?.label ?? String(id)).join(' + '),
    members: ids.map((id) => ({ percentage: percentOf(id) })),
  }));
  return { taxes, groups };
}

export interface TestContextOptions {
  catalogue?: ZohoTaxCatalogue;
  pricePrecision?: number;
  storeTimeZone?: string;
  options?: InvoiceContext['options'];
}

/** An invoice context whose item ids are `item-<product>-<variation>` and whose taxes come from mapOrderTaxes. */
export function testContext(order: WooOrder, settings: TestContextOptions = {}): InvoiceContext {
  const mapping = mapOrderTaxes(order, settings.catalogue ?? catalogueCovering(order));
  return {
    contactId: 'contact-1',
    itemIdFor: (line: WooLineItem) => `item-${line.product_id}-${line.variation_id}`,
    shippingItemId: 'item-shipping',
    feeItemId: 'item-fee',
    taxFor: (rateIds, kind) => mapping.taxFor(rateIds, kind),
    pricePrecision: settings.pricePrecision ?? 2,
    storeTimeZone: settings.storeTimeZone ?? 'UTC',
    ...(settings.options ? { options: settings.options } : {}),
  };
}

/** Zoho tax id → percentage, for recomputing totals independently from a plan's payload. */
export function percentagesOf(order: WooOrder, context: InvoiceContext): Map<string, string> {
  const percentages = new Map<string, string>();
  for (const line of [...order.line_items, ...order.shipping_lines, ...order.fee_lines]) {
    const ids = appliedRateIds(line.taxes);
    if (ids.length === 0) continue;
    const tax = context.taxFor(ids, 'item');
    if (tax) percentages.set(tax.taxId, tax.percentage);
  }
  return percentages;
}
