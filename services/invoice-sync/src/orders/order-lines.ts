import { Decimal } from '@connector/accounting';
import type { ItemRequestLine, WooLineItem, WooOrder } from '@connector/contracts';

export const SHIPPING_KEY = 'shipping';
export const FEE_KEY = 'fee';
export const REFUND_KEY = 'refund';

/** The synthetic item a credit note books the part of a refund its lines don't explain on. */
export const REFUND_ITEM_LINE: ItemRequestLine = { key: REFUND_KEY, productId: -3, variationId: 0, sku: null, name: 'Refunds', rate: '0', kind: 'refund' };

export const lineKey = (line: WooLineItem): string => `line:${line.id}`;

/** The Zoho items an order needs: one per product line, plus the synthetic shipping and fee items. */
export function itemRequestLines(order: WooOrder): ItemRequestLine[] {
  const lines: ItemRequestLine[] = order.line_items.map((line) => ({
    key: lineKey(line),
    productId: line.product_id,
    variationId: line.variation_id ?? 0,
    sku: line.sku ?? null,
    name: line.name,
    rate: unitPrice(line),
    kind: 'product',
  }));
  if (order.shipping_lines.length > 0) {
    lines.push({ key: SHIPPING_KEY, productId: -1, variationId: 0, sku: null, name: 'Shipping', rate: '0', kind: 'shipping' });
  }
  if (order.fee_lines.length > 0) {
    lines.push({ key: FEE_KEY, productId: -2, variationId: 0, sku: null, name: 'Fees', rate: '0', kind: 'fee' });
  }
  return lines;
}

/** Catalogue rate of a newly created item: the pre-discount unit price, exact. */
function unitPrice(line: WooLineItem): string {
  const quantity = Math.max(line.quantity, 1);
  return Decimal.from(line.subtotal || '0').div(quantity, 6, 'half-away-from-zero').normalize().toString();
}
