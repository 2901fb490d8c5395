import { gmtMillis, orderContentHash } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';

/*
 * WooCommerce dates an order to the second, so two different snapshots can carry the same
 * `date_modified_gmt` (a cancellation a moment after the payment, two edits in one second). Their
 * dates cannot tell which is newer, and the order they are handled in is luck (a retry, a replay
 * from the start). The store can: the snapshot it holds now is the one to apply, any other of that
 * second is stale.
 */

/** What a record (or a dry run's simulation) remembers of the last snapshot it judged. */
export interface RecordedSnapshot {
  modifiedGmt?: string | null;
  contentHash?: string | null;
}

/** The snapshot has the recorded one's date but other content: the date does not say which is newer. */
export function isSameSecondTie(order: WooOrder, recorded: RecordedSnapshot | undefined): boolean {
  const incoming = gmtMillis(order.date_modified_gmt);
  const judged = gmtMillis(recorded?.modifiedGmt);
  if (incoming === undefined || judged === undefined || incoming !== judged || !recorded?.contentHash) return false;
  return recorded.contentHash !== orderContentHash(order);
}

/** Why the snapshot is stale, given the store's current one; undefined when it is the store's (apply it). */
export function sameSecondVerdict(order: WooOrder, current: WooOrder): string | undefined {
  if (gmtMillis(current.date_modified_gmt) === gmtMillis(order.date_modified_gmt) && orderContentHash(current) === orderContentHash(order)) return undefined;
  return (
    `stale snapshot: modified ${order.date_modified_gmt} GMT like the one already judged, with other content (status ${order.status}); ` +
    `the store's current order (modified ${current.date_modified_gmt} GMT, status ${current.status}) is not this one`
  );
}

/**
 * On a tie only, the store is asked for the order (one REST GET, no Zoho call): the stale reason
 * when this snapshot is not the store's current one, else undefined. A store that cannot be
 * reached throws its transient error: the event is retried, never applied on a guess.
 */
export async function sameSecondStaleness(order: WooOrder, recorded: RecordedSnapshot | undefined, readCurrent: () => Promise<WooOrder>): Promise<string | undefined> {
  if (!isSameSecondTie(order, recorded)) return undefined;
  return sameSecondVerdict(order, await readCurrent());
}
