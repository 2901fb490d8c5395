import { Decimal } from '../decimal/decimal';
import type { InvoiceRecord } from './books-records';
import type { ZohoInvoiceStatus } from './books-json-types';

/** What is still owed: total − payments − credits − write-offs; nothing on a void invoice. */
export function invoiceBalance(invoice: InvoiceRecord): Decimal {
  if (invoice.base_status === 'void') return Decimal.ZERO;
  return invoice.total.sub(invoice.payment_made).sub(invoice.credits_applied).sub(invoice.write_off_amount);
}

/**
 * The status Zoho shows. Only draft/sent/void are stored; a sent invoice reads as `paid` when
 * nothing is owed, `partially_paid` when something was paid, `overdue` after its due date
 * (in the organisation's time zone), else `sent`.
 */
export function displayStatus(invoice: InvoiceRecord, today: string): ZohoInvoiceStatus {
  if (invoice.base_status !== 'sent') return invoice.base_status;
  const balance = invoiceBalance(invoice);
  if (balance.sign() <= 0) return 'paid';
  if (invoice.payment_made.sign() > 0 || invoice.credits_applied.sign() > 0) return 'partially_paid';
  if (invoice.due_date < today) return 'overdue';
  return 'sent';
}
