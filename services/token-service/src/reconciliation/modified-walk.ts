import { MAX_PAGE_SIZE } from '@connector/woocommerce';
import { compareWooGmt, laterWooGmt, shiftWooGmt } from './woo-gmt';

/** A store collection read oldest modification first (`orderby=modified&order=asc`). */
export interface ModifiedWalkSource<T> {
  /** Items modified strictly after `modifiedAfter` (GMT), oldest first, fetched page by page as iterated. */
  list(modifiedAfter: string): AsyncIterable<T>;
  idOf(item: T): number;
  modifiedOf(item: T): string | null;
  /** Items per page `list` fetches; WooClient's listings ask for the most WooCommerce allows. */
  pageSize?: number;
}

export interface ModifiedWalkOptions {
  /** Checkpoint: everything modified up to here was handled before. */
  from: string;
  /**
   * Seconds re-read before each checkpoint. `modified_after` is exclusive and times have one-second
   * resolution, so an item saved in the checkpoint's own second, or committed a moment after a
   * later one, would otherwise be skipped. Items seen already are de-duplicated by id and time.
   */
  overlapSeconds: number;
  /** Most items per batch (a batch never spans more than one page); the caller stores a checkpoint after each. */
  batchSize: number;
  /** Stop at items modified after this (a backfill leaves newer changes to live traffic). */
  until?: string;
  signal?: AbortSignal;
}

export interface ModifiedBatch<T> {
  items: T[];
  /** Safe to store once `items` are handled: the newest modification time among them. */
  checkpoint: string;
}

/**
 * Walks a collection by modification time in batches, re-querying from the last checkpoint for
 * each batch instead of following page numbers: a long walk (a paced backfill) would otherwise
 * skip items, because every order modified meanwhile moves to the end and shifts later pages up.
 * So each query reads one page only. The overlap makes each query re-read a few seconds; those
 * repeats are dropped here, and only a first page holding nothing new (more items inside the
 * overlap than a page holds) makes a query go on to its next page, the one way forward then.
 * A snapshot modified again during the walk has a new time and is walked again, as it should be.
 */
export async function* walkModifiedSince<T>(source: ModifiedWalkSource<T>, options: ModifiedWalkOptions): AsyncGenerator<ModifiedBatch<T>> {
  if (options.batchSize < 1) throw new Error('batchSize must be at least 1');
  const pageSize = source.pageSize ?? MAX_PAGE_SIZE;
  let cursor = options.from;
  const seen = new Map<string, string>();
  for (;;) {
    options.signal?.throwIfAborted();
    const after = shiftWooGmt(cursor, -options.overlapSeconds);
    const items: T[] = [];
    let exhausted = true;
    let read = 0;
    for await (const item of source.list(after)) {
      options.signal?.throwIfAborted();
      read += 1;
      const modified = source.modifiedOf(item) ?? '';
      if (options.until && modified && compareWooGmt(modified, options.until) > 0) break;
      const key = `${source.idOf(item)}@${modified}`;
      if (!seen.has(key)) {
        seen.set(key, modified);
        items.push(item);
      }
      // Stopping at the end of a page that held something new leaves the next page unfetched.
      if (items.length >= options.batchSize || (items.length > 0 && read % pageSize === 0)) {
        exhausted = false;
        break;
      }
    }
    if (items.length === 0) return;
    const checkpoint = items.reduce((newest, item) => {
      const modified = source.modifiedOf(item);
      return modified ? laterWooGmt(newest, modified) : newest;
    }, cursor);
    yield { items, checkpoint };
    cursor = checkpoint;
    forgetOlderThan(seen, shiftWooGmt(cursor, -options.overlapSeconds));
    if (exhausted) return;
  }
}

/** Entries the next query cannot return again (it starts after `boundary`), so memory stays bounded. */
function forgetOlderThan(seen: Map<string, string>, boundary: string): void {
  for (const [key, modified] of seen) {
    if (modified && compareWooGmt(modified, boundary) <= 0) seen.delete(key);
  }
}
