import type { DataSource, EntityManager } from 'typeorm';

/** How a credit note's reason says it waits for its invoice to be sent: a draft takes no credits. */
export const AWAITS_SENT_INVOICE = 'which takes no credits';

/** An order whose credit notes wait for its invoice to be sent before they can be applied. */
export interface OrderAwaitingSentInvoice {
  orderId: number;
  invoiceId: string;
  invoiceNumber: string | null;
  creditNoteNumbers: string[];
  /** When the newest of those credit notes last changed: the checks of the sweep are paced from it. */
  since: Date;
}

/**
 * The orders of a connection (or of these `orderIds`) with a credit note left open only because
 * the order's invoice was a draft: `credited`, its reason saying so, and something of it neither
 * applied nor given back (and the invoice not deleted in Zoho). The same rule as invoice-sync's `awaitsSentInvoice` for one link, asked
 * of the table in one query (by invoice-sync's replay shortcut per batch, by token-service's
 * reconciliation sweep per connection); the amounts are compared as numeric, never as floats.
 */
export async function ordersAwaitingSentInvoice(
  db: DataSource | EntityManager, connectionId: string, orderIds?: readonly number[],
): Promise<OrderAwaitingSentInvoice[]> {
  if (orderIds?.length === 0) return [];
  const rows: Array<{ order_id: string; invoice_id: string; invoice_number: string | null; credit_note_numbers: Array<string | null>; since: Date }> = await db.query(
    `SELECT c.order_id::text AS order_id, c.invoice_id, s.invoice_number,
            array_agg(coalesce(c.credit_note_number, c.credit_note_id) ORDER BY c.refund_id) AS credit_note_numbers,
            max(c.updated_at) AS since
       FROM refund_credits c
       JOIN order_syncs s ON s.connection_id = c.connection_id AND s.order_id = c.order_id AND s.invoice_id = c.invoice_id
      WHERE c.connection_id = $1 AND c.state = 'credited' AND position($2 in coalesce(c.reason, '')) > 0
        AND s.invoice_deleted_at IS NULL -- an invoice deleted in Zoho will never be sent
        AND coalesce(c.zoho_total, 0) - coalesce(c.applied_amount, 0) - coalesce(c.cash_refunded_amount, 0) > 0
        AND ($3::bigint[] IS NULL OR c.order_id = ANY($3::bigint[]))
      GROUP BY c.order_id, c.invoice_id, s.invoice_number
      ORDER BY c.order_id`,
    [connectionId, AWAITS_SENT_INVOICE, orderIds ? [...new Set(orderIds)] : null],
  );
  return rows.map((row) => ({
    orderId: Number(row.order_id),
    invoiceId: row.invoice_id,
    invoiceNumber: row.invoice_number,
    creditNoteNumbers: row.credit_note_numbers.filter((n): n is string => n !== null),
    since: row.since,
  }));
}
