import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { orderContentHash } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';
import { OrderAwaitingSentInvoice, ordersAwaitingSentInvoice, RefundCreditState } from '@connector/persistence';
import { RecordedRefund, refundsOutOfStep } from './refund-pass';
import { lacksSnapshot, modifiedOf } from './snapshot-lag';
import { compareWooGmt } from './woo-gmt';

/** What the reconciliation reads of a store resource: its id and modification times. */
export interface StoreSnapshot {
  id: number;
  date_modified_gmt?: string | null;
  date_created_gmt?: string | null;
}

export interface LackingSnapshot<T extends StoreSnapshot> {
  item: T;
  /** Why the pipeline lacks it, in words for the audit trail. */
  why: string;
}

/** What a sync record holds of the snapshot it applied. */
interface AppliedSnapshot {
  modifiedGmt: string | null;
  /** `orderContentHash` of it (orders only: a customer's hash is of the Zoho contact built from it). */
  contentHash?: string | null;
}

/**
 * Which store snapshots the sync services have not applied, read from their own records:
 * `order_syncs.modified_gmt` and `content_hash` for orders (a snapshot of the applied one's second
 * with other content is lacking too), `contact_links.modified_gmt` (by store customer id) for
 * customers, one query per batch; which invoiced orders' refunds differ from invoice-sync's
 * `refund_credits`; and which orders wait for something only Zoho can tell (`refund_credits` open
 * on a draft invoice).
 */
@Injectable()
export class PipelineState {
  constructor(private readonly dataSource: DataSource) {}

  async lackingOrders<T extends WooOrder>(connectionId: string, orders: readonly T[]): Promise<Array<LackingSnapshot<T>>> {
    if (orders.length === 0) return [];
    const rows: Array<{ id: string; modified_gmt: string | null; content_hash: string | null }> = await this.dataSource.query(
      `SELECT order_id::text AS id, modified_gmt, content_hash FROM order_syncs WHERE connection_id = $1 AND order_id = ANY($2::bigint[])`,
      [connectionId, orders.map((order) => order.id)],
    );
    const applied = new Map(rows.map((row) => [row.id, { modifiedGmt: row.modified_gmt, contentHash: row.content_hash }]));
    return lacking(orders, applied, 'sync record', orderContentHash);
  }

  /**
   * Orders whose refunds (`refunds[]`, by id) differ from the credit notes invoice-sync recorded
   * (see refundsOutOfStep). Only orders with an invoice that can take credit notes count: a
   * refund of an order never invoiced, or of one whose invoice is void or deleted in Zoho, is
   * recorded by nothing, and publishing it again would change nothing but cost a Zoho read.
   */
  async unbookedRefunds<T extends WooOrder>(connectionId: string, orders: readonly T[]): Promise<Array<LackingSnapshot<T>>> {
    if (orders.length === 0) return [];
    const rows: Array<{ order_id: string; refund_id: string | null; state: RefundCreditState | null }> = await this.dataSource.query(
      `SELECT s.order_id::text AS order_id, r.refund_id::text AS refund_id, r.state
         FROM order_syncs s
         LEFT JOIN refund_credits r ON r.connection_id = s.connection_id AND r.order_id = s.order_id
        WHERE s.connection_id = $1 AND s.order_id = ANY($2::bigint[])
          AND s.state = 'synced' AND s.invoice_id IS NOT NULL AND s.invoice_deleted_at IS NULL
          AND COALESCE(s.invoice_status, '') <> 'void'`,
      [connectionId, orders.map((order) => order.id)],
    );
    const recorded = new Map<string, RecordedRefund[]>();
    for (const row of rows) {
      const list = recorded.get(row.order_id) ?? [];
      if (row.refund_id !== null && row.state !== null) list.push({ refundId: row.refund_id, state: row.state });
      recorded.set(row.order_id, list);
    }
    const out: Array<LackingSnapshot<T>> = [];
    for (const order of orders) {
      const known = recorded.get(String(order.id));
      const why = known && refundsOutOfStep(order.refunds ?? [], known);
      if (why) out.push({ item: order, why });
    }
    return out;
  }

  /** Orders whose credit notes wait for their invoice to be sent in Zoho (invoice-sync's records). */
  awaitingSentInvoice(connectionId: string): Promise<OrderAwaitingSentInvoice[]> {
    return ordersAwaitingSentInvoice(this.dataSource, connectionId);
  }

  async lackingCustomers<T extends StoreSnapshot>(connectionId: string, customers: readonly T[]): Promise<Array<LackingSnapshot<T>>> {
    if (customers.length === 0) return [];
    // Several links can carry one store customer (an email change); the newest applied snapshot counts.
    const rows: Array<{ id: string; modified_gmt: string | null }> = await this.dataSource.query(
      `SELECT woo_customer_id::text AS id, max(modified_gmt) AS modified_gmt FROM contact_links
        WHERE connection_id = $1 AND woo_customer_id = ANY($2::bigint[]) GROUP BY woo_customer_id`,
      [connectionId, customers.map((customer) => customer.id)],
    );
    return lacking(customers, new Map(rows.map((row) => [row.id, { modifiedGmt: row.modified_gmt }])), 'contact link');
  }
}

function lacking<T extends StoreSnapshot>(
  items: readonly T[],
  applied: Map<string, AppliedSnapshot>,
  record: string,
  contentHash?: (item: T) => string,
): Array<LackingSnapshot<T>> {
  const out: Array<LackingSnapshot<T>> = [];
  for (const item of items) {
    const current = modifiedOf(item);
    const known = applied.get(String(item.id));
    const sameSecondDiffers = !!(contentHash && known?.contentHash && known.contentHash !== contentHash(item));
    if (!lacksSnapshot(known === undefined ? undefined : known.modifiedGmt, current, sameSecondDiffers)) continue;
    const why = !known
      ? `no ${record}`
      : known.modifiedGmt === null
        ? `the ${record} holds no applied snapshot`
        : compareWooGmt(known.modifiedGmt, current) === 0
          ? `the ${record} holds another snapshot of ${current} (other content), the store has this one`
          : `the ${record} holds the snapshot of ${known.modifiedGmt}, the store has ${current}`;
    out.push({ item, why });
  }
  return out;
}
