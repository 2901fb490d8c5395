import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderAwaitingSentInvoice, ordersAwaitingSentInvoice } from '@connector/persistence';
import { lacksSnapshot, modifiedOf } from './snapshot-lag';

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

/**
 * Which store snapshots the sync services have not applied, read from their own records:
 * `order_syncs.modified_gmt` for orders, `contact_links.modified_gmt` (by store customer id) for
 * customers, one query per batch; and which orders wait for something only Zoho can tell
 * (`refund_credits` open on a draft invoice).
 */
@Injectable()
export class PipelineState {
  constructor(private readonly dataSource: DataSource) {}

  async lackingOrders<T extends StoreSnapshot>(connectionId: string, orders: readonly T[]): Promise<Array<LackingSnapshot<T>>> {
    if (orders.length === 0) return [];
    const rows: Array<{ id: string; modified_gmt: string | null }> = await this.dataSource.query(
      `SELECT order_id::text AS id, modified_gmt FROM order_syncs WHERE connection_id = $1 AND order_id = ANY($2::bigint[])`,
      [connectionId, orders.map((order) => order.id)],
    );
    return lacking(orders, new Map(rows.map((row) => [row.id, row.modified_gmt])), 'sync record');
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
    return lacking(customers, new Map(rows.map((row) => [row.id, row.modified_gmt])), 'contact link');
  }
}

function lacking<T extends StoreSnapshot>(items: readonly T[], applied: Map<string, string | null>, record: string): Array<LackingSnapshot<T>> {
  const out: Array<LackingSnapshot<T>> = [];
  for (const item of items) {
    const key = String(item.id);
    const current = modifiedOf(item);
    const known = applied.has(key) ? applied.get(key)! : undefined;
    if (!lacksSnapshot(known, current)) continue;
    const why = !applied.has(key)
      ? `no ${record}`
      : known === null
        ? `the ${record} holds no applied snapshot`
        : `the ${record} holds the snapshot of ${known}, the store has ${current}`;
    out.push({ item, why });
  }
  return out;
}
