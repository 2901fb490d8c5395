import type { ConnectionSettings, OrderPaymentEntity, OrderSyncEntity } from '@connector/persistence';
import { UNSENT_INVOICE_REASON } from '@connector/persistence';

/** A step after the invoice's: its audit action, and how the record's reason starts when it fails. */
export interface FollowUp {
  action: string;
  reason: string;
}

/** The steps every order event runs once its invoice is in step, in this order. */
export const FOLLOW_UPS = {
  send: { action: 'mark-invoice-sent', reason: UNSENT_INVOICE_REASON },
  payment: { action: 'record-payment', reason: 'payment not recorded: ' },
  refunds: { action: 'credit-refund', reason: 'refunds not credited: ' },
} satisfies Record<string, FollowUp>;

/**
 * Whether the follow-up steps may still have work for an order whose invoice already shows the
 * snapshot in hand. They run on every event, the same snapshot's too, so a retry or a replay
 * finishes what an earlier event left: a step that failed (its reason is on the record), a draft
 * waiting to be marked as sent, a payment not booked while payments are on (the order may have
 * been paid since settings.paymentsSince: only its body says, so a payment neither recorded nor
 * skipped may be due), a credit note a draft left open (the owner may have sent the invoice in
 * Zoho since). `payment` is the order's row in order_payments, if any; `creditAwaitsSentInvoice`
 * whether one of its credit notes waits for the invoice to be sent.
 */
export function followUpsMayAct(record: OrderSyncEntity, settings: ConnectionSettings, payment: OrderPaymentEntity | undefined, creditAwaitsSentInvoice = false): boolean {
  if (Object.values(FOLLOW_UPS).some((step) => record.reason?.includes(step.reason))) return true;
  const live = record.state === 'synced' && record.invoiceId !== null && record.invoiceStatus !== 'void';
  if (!live) return false;
  if (settings.invoiceStatus === 'sent' && record.invoiceStatus === 'draft') return true;
  if (creditAwaitsSentInvoice) return true;
  return Boolean(settings.paymentsSince) && payment?.state !== 'recorded' && payment?.state !== 'skipped';
}
