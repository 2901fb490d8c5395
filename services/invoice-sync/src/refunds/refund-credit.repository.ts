import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { Decimal } from '@connector/accounting';
import { ordersAwaitingSentInvoice, RefundCreditEntity } from '@connector/persistence';

export interface IssuedCreditNote {
  creditNoteId: string;
  creditNoteNumber: string | null;
  invoiceId: string;
  refundTotal: string;
  zohoTotal: string;
  adjustment: string;
  appliedAmount: string;
  exchangeRate: string | null;
  cashRefundId: string | null;
  cashRefundedAmount: string | null;
  reason: string | null;
}

/** The `refund_credits` table: one row per refund, its state and its Zoho credit note. */
@Injectable()
export class RefundCreditRepository {
  private readonly repo: Repository<RefundCreditEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(RefundCreditEntity);
  }

  forOrder(connectionId: string, orderId: number | string): Promise<RefundCreditEntity[]> {
    return this.repo.find({ where: { connectionId, orderId: String(orderId) }, order: { refundId: 'ASC' } });
  }

  /** How much of the order's credit notes is applied to `invoiceId`: what its total must still cover besides payments. */
  async appliedTo(connectionId: string, orderId: number | string, invoiceId: string): Promise<Decimal> {
    const links = await this.forOrder(connectionId, orderId);
    return Decimal.sum(links.filter((link) => link.state === 'credited' && link.invoiceId === invoiceId).map((link) => Decimal.from(link.appliedAmount ?? '0')));
  }

  /** Those of these orders (one read for a replay's batch) with a credit note waiting for its invoice to be sent. */
  async ordersAwaitingSentInvoice(connectionId: string, orderIds: readonly number[]): Promise<Set<string>> {
    return new Set((await ordersAwaitingSentInvoice(this.dataSource, connectionId, orderIds)).map((order) => String(order.orderId)));
  }

  /** Claims the refund→credit note link before the create call (committed first: a crash leaves a trace). */
  async claim(connectionId: string, orderId: number, refundId: number, invoiceId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO refund_credits (connection_id, refund_id, order_id, state, invoice_id, attempts)
       VALUES ($1, $2, $3, 'creating', $4, 1)
       ON CONFLICT (connection_id, refund_id) DO UPDATE SET attempts = refund_credits.attempts + 1, updated_at = now()`,
      [connectionId, refundId, orderId, invoiceId],
    );
  }

  /**
   * The credit note made (or adopted) for a claimed refund, stored as soon as Zoho answers: a later
   * step that fails (applying it, giving money back) leaves the link claimed but holding it, so a
   * retry reads it back instead of searching, and a deletion or cancellation voids it.
   */
  async noteCreditNote(connectionId: string, refundId: number | string, creditNoteId: string, creditNoteNumber: string | null): Promise<void> {
    await this.repo.update({ connectionId, refundId: String(refundId) }, { creditNoteId, creditNoteNumber });
  }

  async markCredited(connectionId: string, refundId: number | string, note: IssuedCreditNote): Promise<void> {
    await this.repo.update({ connectionId, refundId: String(refundId) }, { state: 'credited', ...note });
  }

  /** A refund that is not booked, with the reason (kept so it is not looked at again). */
  async markSkipped(connectionId: string, orderId: number, refundId: number, invoiceId: string | null, reason: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO refund_credits (connection_id, refund_id, order_id, state, invoice_id, reason)
       VALUES ($1, $2, $3, 'skipped', $4, $5)
       ON CONFLICT (connection_id, refund_id) DO UPDATE SET state = 'skipped', reason = EXCLUDED.reason, updated_at = now()`,
      [connectionId, refundId, orderId, invoiceId, reason],
    );
  }

  /** A permanent failure is `failed`; a transient one stays claimed (`creating`) while it is retried. */
  async markFailed(connectionId: string, refundId: number, reason: string, transient: boolean): Promise<void> {
    await this.repo.update({ connectionId, refundId: String(refundId) }, transient ? { reason: `retrying: ${reason}` } : { state: 'failed', reason });
  }

  /** More of the credit note applied to the invoice (after it was sent), with what is left to say. */
  async noteApplied(link: RefundCreditEntity, appliedAmount: string, reason: string | null, cash?: { cashRefundId: string; cashRefundedAmount: string }): Promise<void> {
    await this.repo.update({ connectionId: link.connectionId, refundId: link.refundId }, { appliedAmount, reason, ...cash });
  }

  /**
   * Connector's cash refund of the credit note is deleted in Zoho (the money taken back before a
   * void): forgotten at once, so a void that fails after it does not ask to delete it again.
   */
  async noteCashRefundDeleted(link: RefundCreditEntity): Promise<void> {
    await this.repo.update({ connectionId: link.connectionId, refundId: link.refundId }, { cashRefundId: null, cashRefundedAmount: null });
  }

  /** A credit note not voided (see keptWithRefundsReason): it stays credited, with the reason. */
  async markKept(link: RefundCreditEntity, reason: string): Promise<void> {
    await this.repo.update({ connectionId: link.connectionId, refundId: link.refundId }, { state: 'credited', reason });
  }

  /** Deletes these links: their refunds are to be credited anew. */
  async forget(links: readonly RefundCreditEntity[]): Promise<void> {
    for (const link of links) await this.repo.delete({ connectionId: link.connectionId, refundId: link.refundId });
  }

  /** Voiding takes the credit back off the invoice (and its cash refund, deleted first): nothing stays applied or given back. */
  async markVoided(link: RefundCreditEntity, reason: string): Promise<void> {
    const none = Decimal.ZERO.toFixed(link.refundTotal ? Decimal.from(link.refundTotal).scale : 0);
    await this.repo.update({ connectionId: link.connectionId, refundId: link.refundId }, { state: 'voided', reason, appliedAmount: none, cashRefundId: null, cashRefundedAmount: null });
  }
}
