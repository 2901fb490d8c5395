import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How far behind ours Zoho's clock may be when it stamps `created_time`. */
export const ZOHO_CLOCK_SKEW_MS = 5 * 60_000;

/** Where Connector keeps the id of each kind of document it creates. */
const HOLDERS = {
  invoice: { table: 'order_syncs', column: 'invoice_id' },
  payment: { table: 'order_payments', column: 'payment_id' },
  'credit note': { table: 'refund_credits', column: 'credit_note_id' },
} as const;

export type CreatedDocument = keyof typeof HOLDERS;

/**
 * A create call whose answer was lost is recovered by searching Zoho by the document's reference
 * (`<order number>`, `-P`, `-R<refund id>`). Those are unique per store, not per Zoho organization:
 * two stores booking into one organization share order numbers, and an owner may have keyed an
 * invoice with the order number by hand. Adopting such a document would make one store's edits
 * rewrite the other's books. So a found document is the lost one only when Zoho made it after the
 * claim (less clock skew) and no record of Connector, of any connection, holds it already.
 */
@Injectable()
export class LostCreateGuard {
  constructor(private readonly dataSource: DataSource) {}

  async adoptable<T>(
    kind: CreatedDocument, found: readonly T[], of: (document: T) => { id: string; createdTime?: string }, claimedAt: Date | null | undefined,
  ): Promise<T[]> {
    const recent = found.filter((document) => madeSince(of(document).createdTime, claimedAt));
    if (recent.length === 0) return [];
    const { table, column } = HOLDERS[kind];
    const held: Array<{ id: string }> = await this.dataSource.query(
      `SELECT ${column} AS id FROM ${table} WHERE ${column} = ANY($1::text[])`,
      [recent.map((document) => of(document).id)],
    );
    const taken = new Set(held.map((row) => row.id));
    return recent.filter((document) => !taken.has(of(document).id));
  }
}

/**
 * Whether Zoho made the document after the claim. Without either time nothing is judged: the
 * search by reference (and the holder check) is all there is, as before claims were timed.
 */
export function madeSince(createdTime: string | undefined, claimedAt: Date | null | undefined): boolean {
  if (!claimedAt || !createdTime) return true;
  const made = Date.parse(createdTime);
  return Number.isNaN(made) || made >= claimedAt.getTime() - ZOHO_CLOCK_SKEW_MS;
}
