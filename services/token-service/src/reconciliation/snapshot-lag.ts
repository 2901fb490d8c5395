import { compareWooGmt } from './woo-gmt';

/**
 * Whether the pipeline lacks a store snapshot. `applied` is the `date_modified_gmt` the sync
 * services last applied: `undefined` when they have no record of the resource at all, `null` when
 * the record exists but no snapshot was applied yet (pending, failed before applying, skipped).
 *
 * A record without an applied snapshot counts as lacking: the event that made it may be the lost
 * one's older sibling, and a repeat of a snapshot the services already hold changes nothing
 * (they compare `date_modified_gmt` and content before acting).
 *
 * Times have one-second resolution, so two snapshots can share one: `sameSecondDiffers` says the
 * applied snapshot's content differs from the store's (its content hash), i.e. the later of the
 * two was lost. The sync services ask the store which one is current before applying it.
 */
export function lacksSnapshot(applied: string | null | undefined, current: string | null | undefined, sameSecondDiffers = false): boolean {
  if (applied === undefined || applied === null) return true;
  if (!current) return false;
  const order = compareWooGmt(applied, current);
  return order < 0 || (order === 0 && sameSecondDiffers);
}

/** `date_modified_gmt`, or the creation time for resources never modified (WooCommerce leaves it null). */
export function modifiedOf(resource: { date_modified_gmt?: string | null; date_created_gmt?: string | null }): string | null {
  return resource.date_modified_gmt || resource.date_created_gmt || null;
}
