import type { WooOrder } from '@connector/contracts';
import { cleanText } from '../text/zoho-text';
import { ZOHO_FIELD_LIMITS } from '../text/zoho-field-limits';

function oneLine(value: unknown): string {
  return cleanText(value, { maxLength: 500, html: true });
}

/**
 * The invoice's notes: where the order came from, who bought when the order names no email (it
 * is booked to the walk-in contact), how it was paid, which coupons applied, and what the customer
 * wrote. Zoho has no fields for these, and an accountant asks for all of them.
 */
export function invoiceNotes(order: WooOrder): string {
  const lines = [`WooCommerce order #${oneLine(order.number) || order.id}`];
  // Without an email the order is booked to the shared walk-in contact: the invoice says who bought.
  const buyer = order.billing?.email?.trim() ? '' : buyerOf(order.billing);
  if (buyer) lines.push(`Customer: ${buyer}`);
  const method = oneLine(order.payment_method_title) || oneLine(order.payment_method);
  if (method) {
    const code = oneLine(order.payment_method);
    const transaction = oneLine(order.transaction_id);
    lines.push(`Payment: ${method}${code && code !== method ? ` (${code})` : ''}${transaction ? `, transaction ${transaction}` : ''}`);
  }
  const coupons = order.coupon_lines.map((coupon) => oneLine(coupon.code)).filter((code) => code !== '');
  if (coupons.length > 0) lines.push(`Coupons: ${coupons.join(', ')}`);
  const note = cleanText(order.customer_note, { maxLength: ZOHO_FIELD_LIMITS.invoiceNotes, multiline: true });
  if (note) lines.push(`Customer note: ${note}`);
  return cleanText(lines.join('\n'), { maxLength: ZOHO_FIELD_LIMITS.invoiceNotes, multiline: true });
}

/** The billing name, company, address and phone on one line; empty when the order has none. */
function buyerOf(billing: WooOrder['billing'] | undefined): string {
  if (!billing) return '';
  const name = [billing.first_name, billing.last_name].map(oneLine).filter(Boolean).join(' ');
  const place = [oneLine(billing.postcode), oneLine(billing.city)].filter(Boolean).join(' ');
  const parts = [name, oneLine(billing.company), oneLine(billing.address_1), oneLine(billing.address_2), place, oneLine(billing.country)];
  const phone = oneLine(billing.phone);
  return [...parts, phone ? `phone ${phone}` : ''].filter(Boolean).join(', ');
}
