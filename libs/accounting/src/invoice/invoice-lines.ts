import type { WooFeeLine, WooLineItem, WooLineTax, WooOrder, WooShippingLine } from '@connector/contracts';
import { itemKeyForLine } from '../item-mapping';
import { formatAttributes, visibleLineAttributes } from '../line-attributes';
import { Decimal } from '../money/decimal';
import { appliedRateIds, type TaxedLineKind } from '../tax-mapping';
import { TaxMappingError } from '../tax-mapping-error';
import { cleanText } from '../text/zoho-text';
import { ZOHO_FIELD_LIMITS } from '../text/zoho-field-limits';
import type { ZohoInvoiceLineItemPayload } from '../zoho-payloads';
import { wooAmount } from './woo-amount';

/*
 * WooCommerce order lines → Zoho invoice lines.
 *
 * - Product lines: rate = unit price before discount, rounded to the price precision;
 *   discount = what coupons took off the line (subtotal − total) as an absolute amount.
 * - Shipping and fee lines become lines of their own on the synthetic shipping / fee items,
 *   quantity 1, so their tax is booked like any other line's (Zoho's `shipping_charge` is
 *   untaxed in our model, and WooCommerce shipping often is taxed).
 * - On tax-inclusive orders every rate and discount includes the line's tax, because Zoho then
 *   reads all rates as tax-inclusive. WooCommerce stores line amounts excluding tax either way.
 * - A line Zoho cannot take (a negative fee, a line with no positive quantity) is carried into the
 *   invoice adjustment with a description, so the total still matches.
 */

export interface LineTaxChoice {
  taxId: string;
  percentage: string;
}

export interface InvoiceLineSettings {
  orderId: number;
  inclusive: boolean;
  pricePrecision: number;
  itemIdFor(line: WooLineItem): string;
  shippingItemId: string;
  feeItemId: string;
  taxFor(rateIds: number[], lineKind: TaxedLineKind): LineTaxChoice | undefined;
  rateLabel(rateId: number): { label: string; percent?: string };
}

export interface PlannedLine {
  kind: TaxedLineKind;
  wooLineId: number;
  name: string;
  /** What WooCommerce charges for the line, tax included. */
  wooAmount: Decimal;
  /** The WooCommerce amount the rate was derived from, minus rate × quantity: rate rounding. */
  rateRounding: Decimal;
  taxPercentage?: Decimal;
  payload: Omit<ZohoInvoiceLineItemPayload, 'item_order'>;
}

export interface CarriedAmount {
  kind: TaxedLineKind;
  wooLineId: number;
  description: string;
  amount: Decimal;
}

export interface PlannedLines {
  lines: PlannedLine[];
  carried: CarriedAmount[];
}

function lineName(raw: string, fallback: string): string {
  return cleanText(raw, { maxLength: ZOHO_FIELD_LIMITS.lineName, html: true }) || fallback;
}

function lineTax(settings: InvoiceLineSettings, taxes: readonly WooLineTax[], kind: TaxedLineKind): LineTaxChoice | undefined {
  const rateIds = appliedRateIds(taxes);
  if (rateIds.length === 0) return undefined;
  const choice = settings.taxFor(rateIds, kind);
  if (!choice) {
    throw new TaxMappingError(rateIds.map((rateId) => ({ rateId, ...settings.rateLabel(rateId) })));
  }
  return choice;
}

function withTax(payload: Omit<ZohoInvoiceLineItemPayload, 'item_order'>, tax: LineTaxChoice | undefined) {
  return tax ? { ...payload, tax_id: tax.taxId } : payload;
}

function productLine(line: WooLineItem, index: number, settings: InvoiceLineSettings): PlannedLine | CarriedAmount {
  const field = (name: string) => `line_items[${index}].${name}`;
  const { orderId, inclusive, pricePrecision } = settings;
  const subtotal = wooAmount(orderId, line.subtotal, field('subtotal'));
  const subtotalTax = wooAmount(orderId, line.subtotal_tax, field('subtotal_tax'));
  const total = wooAmount(orderId, line.total, field('total'));
  const totalTax = wooAmount(orderId, line.total_tax, field('total_tax'));
  const quantity = wooAmount(orderId, line.quantity, field('quantity'));
  const charged = total.add(totalTax);
  const key = itemKeyForLine(line);
  if (!quantity.isPositive()) {
    return { kind: 'item', wooLineId: line.id, description: `${key.name} (quantity ${quantity.toString()})`, amount: charged };
  }
  const net = inclusive ? charged : total;
  // A line that costs more than its undiscounted price (a plugin surcharge) has nothing to discount.
  const undiscounted = Decimal.max(inclusive ? subtotal.add(subtotalTax) : subtotal, net);
  const rate = undiscounted.div(quantity, pricePrecision, 'half-away-from-zero');
  const gross = rate.mul(quantity);
  const coupons = undiscounted.sub(net).roundHalfAwayFromZero(pricePrecision);
  const discount = gross.isPositive() ? Decimal.min(Decimal.max(coupons, 0), gross) : Decimal.ZERO;
  const tax = lineTax(settings, line.taxes, 'item');
  const attributes = formatAttributes(visibleLineAttributes(line.meta_data));
  const description = cleanText([attributes, key.sku ? `SKU: ${key.sku}` : ''].filter(Boolean).join('\n'), {
    maxLength: ZOHO_FIELD_LIMITS.lineDescription,
    multiline: true,
  });
  return {
    kind: 'item',
    wooLineId: line.id,
    name: key.name,
    wooAmount: charged,
    rateRounding: undiscounted.sub(gross),
    taxPercentage: tax && Decimal.parse(tax.percentage),
    payload: withTax(
      {
        item_id: settings.itemIdFor(line),
        name: key.name,
        ...(description ? { description } : {}),
        quantity: quantity.toNumber(),
        rate: rate.toNumber(),
        ...(discount.isZero() ? {} : { discount: discount.toNumber() }),
      },
      tax,
    ),
  };
}

/** Shipping and fees: one unit at the line's amount (tax-inclusive on inclusive orders). */
function chargeLine(
  kind: 'shipping' | 'fee',
  line: WooShippingLine | WooFeeLine,
  name: string,
  itemId: string,
  index: number,
  settings: InvoiceLineSettings,
): PlannedLine | CarriedAmount {
  const field = (part: string) => `${kind === 'shipping' ? 'shipping_lines' : 'fee_lines'}[${index}].${part}`;
  const total = wooAmount(settings.orderId, line.total, field('total'));
  const totalTax = wooAmount(settings.orderId, line.total_tax, field('total_tax'));
  const charged = total.add(totalTax);
  if (total.isNegative()) {
    // Zoho lines cannot be negative; a negative fee is a discount and goes into the adjustment.
    return { kind, wooLineId: line.id, description: name, amount: charged };
  }
  const amount = settings.inclusive ? charged : total;
  const rate = amount.roundHalfAwayFromZero(settings.pricePrecision);
  const tax = lineTax(settings, line.taxes, kind);
  const description = cleanText(formatAttributes(visibleLineAttributes(line.meta_data)), {
    maxLength: ZOHO_FIELD_LIMITS.lineDescription,
  });
  return {
    kind,
    wooLineId: line.id,
    name,
    wooAmount: charged,
    rateRounding: amount.sub(rate),
    taxPercentage: tax && Decimal.parse(tax.percentage),
    payload: withTax({ item_id: itemId, name, ...(description ? { description } : {}), quantity: 1, rate: rate.toNumber() }, tax),
  };
}

function isCarried(entry: PlannedLine | CarriedAmount): entry is CarriedAmount {
  return 'amount' in entry;
}

/** Plans every invoice line of the order, in WooCommerce's order: products, shipping, fees. */
export function planInvoiceLines(order: WooOrder, settings: InvoiceLineSettings): PlannedLines {
  const entries = [
    ...order.line_items.map((line, index) => productLine(line, index, settings)),
    ...order.shipping_lines.map((line, index) =>
      chargeLine('shipping', line, lineName(line.method_title, 'Shipping'), settings.shippingItemId, index, settings),
    ),
    ...order.fee_lines.map((line, index) => chargeLine('fee', line, lineName(line.name, 'Fee'), settings.feeItemId, index, settings)),
  ];
  return {
    lines: entries.filter((entry): entry is PlannedLine => !isCarried(entry)),
    carried: entries.filter(isCarried),
  };
}
