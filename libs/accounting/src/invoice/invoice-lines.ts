import type { WooFeeLine, WooLineItem, WooLineTax, WooOrder, WooShippingLine } from '@connector/contracts';
import { itemKeyForLine } from '../item-mapping';
import { formatAttributes, visibleLineAttributes } from '../line-attributes';
import { Decimal } from '../money/decimal';
import { appliedRateIds, type TaxedLineKind } from '../tax-mapping';
import { TaxMappingError } from '../tax-mapping-error';
import { cleanText } from '../text/zoho-text';
import { ZOHO_FIELD_LIMITS } from '../text/zoho-field-limits';
import type { ZohoInvoiceLineItemPayload } from '../zoho-payloads';
import { chargeLineGoesToAdjustment, productLineGoesToAdjustment } from './adjustment-lines';
import { linePrice } from './line-price';
import { taxOnlyCarry, taxWithoutAmount } from './tax-only-lines';
import { wooAmount } from './woo-amount';

/*
 * WooCommerce order lines → Zoho invoice lines.
 *
 * - Product lines: rate = unit price before discount at the price precision, discount = what
 *   coupons took off the line (subtotal − total) as an absolute amount; a unit price with no exact
 *   value at that precision is rounded up and the discount takes off the rest, so that Zoho's line
 *   total, and its tax, are WooCommerce's (see line-price.ts).
 * - Shipping and fee lines become lines of their own on the synthetic shipping / fee items,
 *   quantity 1, so their tax is booked like any other line's (Zoho's `shipping_charge` is
 *   untaxed in our model, and WooCommerce shipping often is taxed).
 * - On tax-inclusive orders every rate and discount includes the line's tax, because Zoho then
 *   reads all rates as tax-inclusive. WooCommerce stores line amounts excluding tax either way.
 * - A line Zoho cannot take (a negative fee, a line with no positive quantity) is carried into the
 *   invoice adjustment with a description, so the total still matches (see adjustment-lines.ts).
 * - A line that is tax without an amount (a refund of tax only) is a line of 0, its tax carried in
 *   the adjustment with a warning (see tax-only-lines.ts).
 */

export interface LineTaxChoice {
  taxId: string;
  percentage: string;
}

export interface InvoiceLineSettings {
  orderId: number;
  inclusive: boolean;
  pricePrecision: number;
  /** One unit at the coarser of the currency's decimals and the price precision. */
  minorUnit: Decimal;
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
  /**
   * The WooCommerce amount the rate was derived from, minus rate × quantity, where that rounding
   * stays in Zoho's line total (a rate kept within the slack of line-price.ts, a negative line).
   */
  rateRounding: Decimal;
  taxPercentage?: Decimal;
  payload: Omit<ZohoInvoiceLineItemPayload, 'item_order'>;
}

export interface CarriedAmount {
  kind: TaxedLineKind;
  wooLineId: number;
  description: string;
  amount: Decimal;
  /** Set when carrying the amount books it wrongly (tax that is not booked as tax). */
  warning?: string;
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

function productLine(line: WooLineItem, index: number, settings: InvoiceLineSettings): Array<PlannedLine | CarriedAmount> {
  const field = (name: string) => `line_items[${index}].${name}`;
  const { orderId, inclusive, pricePrecision } = settings;
  const subtotal = wooAmount(orderId, line.subtotal, field('subtotal'));
  const subtotalTax = wooAmount(orderId, line.subtotal_tax, field('subtotal_tax'));
  const total = wooAmount(orderId, line.total, field('total'));
  const totalTax = wooAmount(orderId, line.total_tax, field('total_tax'));
  const quantity = wooAmount(orderId, line.quantity, field('quantity'));
  const key = itemKeyForLine(line);
  if (productLineGoesToAdjustment(quantity)) {
    return [{ kind: 'item', wooLineId: line.id, description: `${key.name} (quantity ${quantity.toString()})`, amount: total.add(totalTax) }];
  }
  const taxOnly = taxWithoutAmount(total, totalTax);
  // The tax of a tax-only line is carried, so the line's own amounts are without it.
  const charged = taxOnly ? total : total.add(totalTax);
  const net = inclusive ? charged : total;
  // A line that costs more than its undiscounted price (a plugin surcharge) has nothing to discount.
  const undiscounted = Decimal.max(inclusive ? subtotal.add(taxOnly ? Decimal.ZERO : subtotalTax) : subtotal, net);
  const price = linePrice({ undiscounted, net, quantity, pricePrecision, slack: inclusive ? settings.minorUnit : Decimal.ZERO });
  const tax = lineTax(settings, line.taxes, 'item');
  const attributes = formatAttributes(visibleLineAttributes(line.meta_data));
  const description = cleanText([attributes, key.sku ? `SKU: ${key.sku}` : ''].filter(Boolean).join('\n'), {
    maxLength: ZOHO_FIELD_LIMITS.lineDescription,
    multiline: true,
  });
  const planned: PlannedLine = {
    kind: 'item',
    wooLineId: line.id,
    name: key.name,
    wooAmount: charged,
    rateRounding: price.rateRounding,
    taxPercentage: tax && Decimal.parse(tax.percentage),
    payload: withTax(
      {
        item_id: settings.itemIdFor(line),
        name: key.name,
        ...(description ? { description } : {}),
        quantity: quantity.toNumber(),
        rate: price.rate.toNumber(),
        ...(price.discount.isZero() ? {} : { discount: price.discount.toNumber() }),
      },
      tax,
    ),
  };
  return taxOnly ? [planned, taxOnlyCarry('item', line.id, key.name, taxOnly)] : [planned];
}

/** Shipping and fees: one unit at the line's amount (tax-inclusive on inclusive orders). */
function chargeLine(
  kind: 'shipping' | 'fee',
  line: WooShippingLine | WooFeeLine,
  name: string,
  itemId: string,
  index: number,
  settings: InvoiceLineSettings,
): Array<PlannedLine | CarriedAmount> {
  const field = (part: string) => `${kind === 'shipping' ? 'shipping_lines' : 'fee_lines'}[${index}].${part}`;
  const total = wooAmount(settings.orderId, line.total, field('total'));
  const totalTax = wooAmount(settings.orderId, line.total_tax, field('total_tax'));
  if (chargeLineGoesToAdjustment(total)) {
    return [{ kind, wooLineId: line.id, description: name, amount: total.add(totalTax) }];
  }
  const taxOnly = taxWithoutAmount(total, totalTax);
  const charged = taxOnly ? total : total.add(totalTax);
  const amount = settings.inclusive ? charged : total;
  const rate = amount.roundHalfAwayFromZero(settings.pricePrecision);
  const tax = lineTax(settings, line.taxes, kind);
  const description = cleanText(formatAttributes(visibleLineAttributes(line.meta_data)), {
    maxLength: ZOHO_FIELD_LIMITS.lineDescription,
  });
  const planned: PlannedLine = {
    kind,
    wooLineId: line.id,
    name,
    wooAmount: charged,
    rateRounding: amount.sub(rate),
    taxPercentage: tax && Decimal.parse(tax.percentage),
    payload: withTax({ item_id: itemId, name, ...(description ? { description } : {}), quantity: 1, rate: rate.toNumber() }, tax),
  };
  return taxOnly ? [planned, taxOnlyCarry(kind, line.id, name, taxOnly)] : [planned];
}

function isCarried(entry: PlannedLine | CarriedAmount): entry is CarriedAmount {
  return 'amount' in entry;
}

/** Plans every invoice line of the order, in WooCommerce's order: products, shipping, fees. */
export function planInvoiceLines(order: WooOrder, settings: InvoiceLineSettings): PlannedLines {
  const entries = [
    ...order.line_items.flatMap((line, index) => productLine(line, index, settings)),
    ...order.shipping_lines.flatMap((line, index) =>
      chargeLine('shipping', line, lineName(line.method_title, 'Shipping'), settings.shippingItemId, index, settings),
    ),
    ...order.fee_lines.flatMap((line, index) => chargeLine('fee', line, lineName(line.name, 'Fee'), settings.feeItemId, index, settings)),
  ];
  return {
    lines: entries.filter((entry): entry is PlannedLine => !isCarried(entry)),
    carried: entries.filter(isCarried),
  };
}
