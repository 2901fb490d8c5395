import type { WooFeeLine, WooLineItem, WooLineTax, WooRefund, WooShippingLine } from '@connector/contracts';
import { REFUNDED_ITEM_META_KEY } from '@connector/contracts';
import { InvalidOrderError } from '../invoice-errors';
import { wooAmount } from '../invoice/woo-amount';
import { Decimal } from '../money/decimal';

/*
 * A refund's lines turned positive: the order lines a credit note is planned from
 * (refund-to-credit-note.ts). WooCommerce stores them negative, with the order line they refund
 * in `_refunded_item_id`.
 *
 * Refunds come from their own endpoint and pass no shape guard as orders do, so every amount is
 * read here the way an order's are (invoice/woo-amount.ts): one that is not a number is an
 * InvalidOrderError naming its field (`refunds[812].line_items[0].total`), permanent, rather
 * than a bare SyntaxError that would be retried as if it were a passing fault.
 */

export interface RefundedLines {
  line_items: WooLineItem[];
  shipping_lines: WooShippingLine[];
  fee_lines: WooFeeLine[];
}

type Json = Record<string, unknown>;

/** The order line a refund line refunds (its `_refunded_item_id`), else the refund line's own id. */
function refundedItemId(line: { id: number; meta_data?: Array<{ key: string; value: unknown }> }): number {
  const meta = line.meta_data?.find((entry) => entry.key === REFUNDED_ITEM_META_KEY);
  const id = Number(meta?.value);
  return Number.isSafeInteger(id) && id > 0 ? id : line.id;
}

function hasAmount(line: { total: string; total_tax: string }): boolean {
  return !Decimal.from(line.total).isZero() || !Decimal.from(line.total_tax).isZero();
}

/** Reads the refund's lines as positive order lines; lines of no amount are left out. */
export function refundedLines(orderId: number, refund: WooRefund): RefundedLines {
  const path = `refunds[${refund.id}]`;
  const fail = (field: string, problem: string) => new InvalidOrderError(orderId, `${path}.${field} ${problem}`);
  // An absent amount is none (older WooCommerce leaves some out); a present one must be a number.
  const positive = (value: unknown, field: string): string =>
    value === null || value === undefined ? '0' : wooAmount(orderId, value as string | number, `${path}.${field}`).abs().toString();
  const list = (value: unknown, field: string, required: boolean): Json[] => {
    if (value === undefined || value === null) {
      if (required) throw fail(field, 'is missing');
      return [];
    }
    if (!Array.isArray(value)) throw fail(field, 'is not a list');
    return value.map((entry: unknown, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw fail(`${field}[${index}]`, 'is not an object');
      return entry as Json;
    });
  };
  const taxes = (line: Json, field: string): WooLineTax[] =>
    list(line.taxes, `${field}.taxes`, false).map((tax, index) => {
      const at = `${field}.taxes[${index}]`;
      if (typeof tax.id !== 'number' || !Number.isSafeInteger(tax.id) || tax.id < 1) throw fail(`${at}.id`, 'is not a tax rate id');
      return { id: tax.id, total: positive(tax.total, `${at}.total`), subtotal: tax.subtotal === '' ? '' : positive(tax.subtotal, `${at}.subtotal`) };
    });

  const lineItems = list(refund.line_items, 'line_items', true).map((raw, index): WooLineItem => {
    const field = `line_items[${index}]`;
    const line = raw as unknown as WooLineItem;
    const quantity = wooAmount(orderId, line.quantity, `${path}.${field}.quantity`).abs();
    return {
      ...line,
      id: refundedItemId(line),
      // A line refunded by amount alone has quantity 0: it is one unit of that amount.
      quantity: quantity.isZero() ? 1 : quantity.toNumber(),
      subtotal: positive(line.subtotal, `${field}.subtotal`),
      subtotal_tax: positive(line.subtotal_tax, `${field}.subtotal_tax`),
      total: positive(line.total, `${field}.total`),
      total_tax: positive(line.total_tax, `${field}.total_tax`),
      taxes: taxes(raw, field),
      price: Math.abs(line.price),
    };
  });
  const chargeLines = <T extends WooShippingLine | WooFeeLine>(key: 'shipping_lines' | 'fee_lines'): T[] =>
    list(refund[key], key, false).map((raw, index): T => {
      const field = `${key}[${index}]`;
      const line = raw as unknown as T;
      return { ...line, id: refundedItemId(line), total: positive(line.total, `${field}.total`), total_tax: positive(line.total_tax, `${field}.total_tax`), taxes: taxes(raw, field) };
    });

  return {
    line_items: lineItems.filter(hasAmount),
    shipping_lines: chargeLines<WooShippingLine>('shipping_lines').filter(hasAmount),
    fee_lines: chargeLines<WooFeeLine>('fee_lines').filter(hasAmount),
  };
}
