import type { WooLineItem, WooOrder } from '@connector/contracts';
import { InvalidOrderError, InvoiceContextError } from './invoice-errors';
import { invoiceDate } from './invoice/invoice-date';
import { planInvoiceLines, type CarriedAmount, type PlannedLine } from './invoice/invoice-lines';
import { invoiceNotes } from './invoice/invoice-notes';
import { reconcile, type InvoiceReconciliation } from './invoice/reconciliation';
import { wooAmount } from './invoice/woo-amount';
import { currencyDecimals } from './money/currency';
import { Decimal } from './money/decimal';
import { describeOrderRates, type TaxedLineKind } from './tax-mapping';
import { cleanText } from './text/zoho-text';
import { ZOHO_FIELD_LIMITS } from './text/zoho-field-limits';
import { predictZohoInvoice } from './zoho-invoice-model';
import type { ZohoInvoicePayload } from './zoho-payloads';

/*
 * A WooCommerce order → the Zoho Books invoice that books it, exact to the cent.
 *
 * The invoice is built line by line (see invoice/invoice-lines.ts), then its total is predicted
 * with the Zoho model (zoho-invoice-model.ts). Whatever differs from the order's total goes into
 * the invoice `adjustment`, so that
 *
 *     predictedZohoTotal + adjustment = order.total     (exactly)
 *
 * and every part of the adjustment is explained in `reconciliation.reasons`. The adjustment is
 * zero when nothing needs rounding. A difference larger than rounding can explain produces a
 * warning: the invoice still matches the order, but its tax is probably wrong.
 */

export interface InvoiceContext {
  /** The Zoho contact the invoice is for. */
  contactId: string;
  /** The Zoho item id for a product line (resolved beforehand by SKU, then name). */
  itemIdFor(line: WooLineItem): string;
  /** The Zoho item shipping lines are billed on. */
  shippingItemId: string;
  /** The Zoho item fee lines are billed on. */
  feeItemId: string;
  /**
   * The Zoho tax (or tax group) covering exactly these WooCommerce rate ids; undefined when it has
   * none. Called only for lines that carry rates. (`mapOrderTaxes(...).taxFor` fits.)
   */
  taxFor(rateIds: number[], lineKind: TaxedLineKind): { taxId: string; percentage: string } | undefined;
  /** The Zoho organisation's `price_precision`. */
  pricePrecision: number;
  /**
   * Base-currency units per unit of the order's currency on the document's date, when the order
   * is not in the organization's base currency (Zoho needs it then); absent for the base currency.
   */
  exchangeRate?: number;
  /** IANA time zone the books are kept in, e.g. `Europe/Berlin`. */
  storeTimeZone: string;
  options?: {
    /** `zoho` (default): Zoho numbers the invoice. `order-number`: the invoice number is the order number. */
    invoiceNumber?: 'zoho' | 'order-number';
    /** Put before the order number when `invoiceNumber` is `order-number`, e.g. `WC-`. */
    invoiceNumberPrefix?: string;
  };
}

export interface InvoicePlan {
  /** The body for POST /invoices or PUT /invoices/{id}. */
  payload: ZohoInvoicePayload;
  /** The payload sets its own invoice number: create with `ignore_auto_number_generation=true`. */
  ignoreAutoNumberGeneration: boolean;
  /** `order.total`. */
  orderTotal: string;
  /** What Zoho will compute for the invoice before the adjustment. */
  predictedZohoTotal: string;
  /** `orderTotal − predictedZohoTotal`, as sent in the payload. */
  adjustment: string;
  reconciliation: InvoiceReconciliation;
  /** Things a person should look at; the invoice is still exact to the order total. */
  warnings: string[];
}

const MAX_PRICE_PRECISION = 10;

function checkContext(context: InvoiceContext): void {
  const precision = context.pricePrecision;
  if (!Number.isInteger(precision) || precision < 0 || precision > MAX_PRICE_PRECISION) {
    throw new InvoiceContextError(`price precision must be an integer from 0 to ${MAX_PRICE_PRECISION}, got ${precision}`);
  }
  if (!context.contactId) throw new InvoiceContextError('no Zoho contact id');
}

function invoiceNumberOf(order: WooOrder, context: InvoiceContext): string | undefined {
  if (context.options?.invoiceNumber !== 'order-number') return undefined;
  const number = cleanText(`${context.options.invoiceNumberPrefix ?? ''}${order.number || order.id}`, {
    maxLength: ZOHO_FIELD_LIMITS.invoiceNumber,
  });
  return number || undefined;
}

function adjustmentDescription(carried: readonly CarriedAmount[], roundingDifference: Decimal): string {
  const parts = carried.filter((entry) => !entry.amount.isZero()).map((entry) => `${entry.description} ${entry.amount.toString()}`);
  if (!roundingDifference.isZero()) parts.push('rounding to the WooCommerce total');
  return cleanText(parts.join('; '), { maxLength: ZOHO_FIELD_LIMITS.adjustmentDescription });
}

/**
 * Lines the order itself does not have, planned by the caller: a credit note adds the part of a
 * refund its lines do not explain (see refund-to-credit-note.ts). `order.total` must include them.
 */
export interface ExtraInvoiceLines {
  lines?: PlannedLine[];
  carried?: CarriedAmount[];
}

export function buildInvoice(order: WooOrder, context: InvoiceContext, extra: ExtraInvoiceLines = {}): InvoicePlan {
  checkContext(context);
  const precision = context.pricePrecision;
  const inclusive = order.prices_include_tax === true;
  const orderTotal = wooAmount(order.id, order.total, 'total');
  // Rounding happens at the coarser of the currency's minor unit and Zoho's price precision.
  const roundingUnit = Decimal.of(1n, Math.min(currencyDecimals(order.currency), precision));

  const planned = planInvoiceLines(order, {
    orderId: order.id,
    inclusive,
    pricePrecision: precision,
    minorUnit: roundingUnit,
    itemIdFor: (line) => context.itemIdFor(line),
    shippingItemId: context.shippingItemId,
    feeItemId: context.feeItemId,
    taxFor: (rateIds, kind) => context.taxFor(rateIds, kind),
    rateLabel: describeOrderRates(order),
  });
  planned.lines.push(...(extra.lines ?? []));
  planned.carried.push(...(extra.carried ?? []));
  if (planned.lines.length === 0) {
    throw new InvalidOrderError(order.id, 'it has no line Zoho can invoice (no products, shipping or positive fees)');
  }

  const percentages = new Map<string, Decimal>();
  for (const line of planned.lines) {
    if (line.payload.tax_id && line.taxPercentage) percentages.set(line.payload.tax_id, line.taxPercentage);
  }
  const modelSettings = { pricePrecision: precision, taxPercentage: (taxId: string) => percentages.get(taxId) };
  const lineItems = planned.lines.map((line, index) => ({ ...line.payload, item_order: index + 1 }));
  const prediction = predictZohoInvoice({ is_inclusive_tax: inclusive, line_items: lineItems }, modelSettings);
  const adjustment = orderTotal.sub(prediction.total);

  const { reconciliation, roundingDifference, explainedByRounding } = reconcile({
    lines: planned.lines,
    carried: planned.carried,
    prediction,
    inclusive,
    orderTotal,
    adjustment,
    minorUnit: roundingUnit,
    hasCompoundTax: order.tax_lines.some((line) => line.compound),
  });

  const invoiceNumber = invoiceNumberOf(order, context);
  const payload: ZohoInvoicePayload = {
    customer_id: context.contactId,
    date: invoiceDate(order, context.storeTimeZone),
    reference_number: invoiceReference(order),
    ...(invoiceNumber ? { invoice_number: invoiceNumber } : {}),
    is_inclusive_tax: inclusive,
    discount_type: 'item_level',
    is_discount_before_tax: true,
    line_items: lineItems,
    notes: invoiceNotes(order),
    adjustment: adjustment.toNumber(),
    adjustment_description: adjustmentDescription(planned.carried, roundingDifference),
    ...(context.exchangeRate !== undefined ? { exchange_rate: context.exchangeRate } : {}),
  };

  // The payload is what Zoho will see: recompute from it (numbers and all) to prove the identity.
  const check = predictZohoInvoice(payload, modelSettings);
  if (!check.total.eq(orderTotal)) {
    throw new Error(`invoice for order ${order.id} totals ${check.total.toString()} instead of ${orderTotal.toString()}`);
  }

  const warnings = planned.carried.flatMap((entry) => (entry.warning ? [entry.warning] : []));
  if (!explainedByRounding) {
    warnings.push(
      `Zoho's total ${prediction.total.toString()} (before adjustment) misses the WooCommerce total ${orderTotal.toString()} ` +
        `by ${roundingDifference.toString()} besides any carried fees, more than rounding explains (at most ${reconciliation.tolerance}); ` +
        'a WooCommerce tax is probably not mapped to the lines (check tax_lines and the Zoho tax mapping)',
    );
  }
  if (orderTotal.decimalPlaces() > precision || adjustment.decimalPlaces() > precision) {
    warnings.push(
      `the order total ${orderTotal.toString()} has more decimals than Zoho's price precision (${precision}); Zoho may round the adjustment`,
    );
  }

  return {
    payload,
    ignoreAutoNumberGeneration: invoiceNumber !== undefined,
    orderTotal: orderTotal.toString(),
    predictedZohoTotal: prediction.total.toString(),
    adjustment: adjustment.toString(),
    reconciliation,
    warnings,
  };
}

/**
 * The invoice's reference number: the order's number as Zoho stores it (cleaned, cut to Zoho's
 * limit), so a search for an order's invoice by reference finds what its create wrote.
 */
export function invoiceReference(order: Pick<WooOrder, 'number' | 'id'>): string {
  return cleanText(order.number || String(order.id), { maxLength: ZOHO_FIELD_LIMITS.referenceNumber });
}
