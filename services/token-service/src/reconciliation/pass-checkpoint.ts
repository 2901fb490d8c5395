import { earlierWooGmt, laterWooGmt, shiftWooGmt, toWooGmt } from './woo-gmt';

/**
 * The checkpoint after a complete pass over a listing not sorted by modification time (customers,
 * read by id). The newest time seen is not safe: a customer read early in a long pass and changed
 * afterwards has a time older than one changed later and read at the end, so the next pass would
 * start after it. Everything changed before the pass began (less the overlap, for a save that
 * becomes visible late or a store clock a little behind) was read, so the checkpoint goes no
 * further than that, and never back.
 */
export function checkpointAfterPass(from: string, newestSeen: string, passStartedAt: Date, overlapSeconds: number): string {
  const readCompletely = shiftWooGmt(toWooGmt(passStartedAt), -overlapSeconds);
  return laterWooGmt(from, earlierWooGmt(newestSeen, readCompletely));
}
