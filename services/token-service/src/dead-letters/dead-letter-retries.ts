import { ConflictException, NotFoundException } from '@nestjs/common';
import { describeError, sleep } from '@connector/common';
import type { DeadLetterEntity, DeadLetterStore } from '@connector/persistence';
import type { EventRepublisher } from '../replay/event-republisher';

/** Events retry-all reads at once: it walks every open letter, never holding more than a page. */
const PAGE_SIZE = 200;
/** The answer lists at most this many events and failures (its counts are exact). */
const MAX_LISTED = 100;

export type Republished = Awaited<ReturnType<EventRepublisher['republish']>>;

export interface RetryAllResult {
  /** Events sent through the pipeline again (one per event, however many consumers gave up on it). */
  retried: number;
  /** Events that could not be sent again: their letters stay open. */
  failed: number;
  events: Republished[];
  failures: Array<{ streamSeq: number; reason: string }>;
}

/**
 * Retries one letter. The claim comes first and is atomic, so two operators pressing Retry at once
 * send one copy; the second is told why not.
 */
export async function retryDeadLetter(store: DeadLetterStore, republisher: EventRepublisher, id: string): Promise<Republished> {
  const letter = await store.get(id);
  if (!letter) throw new NotFoundException(`Dead letter ${id} does not exist`);
  if (!(await store.claimForRetry(id))) throw new ConflictException(`Dead letter ${id} ${outcomeOf((await store.get(id)) ?? letter)}`);
  return sendAgain(store, republisher, [id], Number(letter.streamSeq), `dead letter ${id}: ${letter.reason}`);
}

/**
 * Retries every open letter (of one connection when given), event by event in stream order: each
 * event's letters are claimed, its copy sent, and released again if the copy could not be sent,
 * so a failure part-way leaves the rest open rather than `retrying` for nothing.
 */
export async function retryOpenDeadLetters(store: DeadLetterStore, republisher: EventRepublisher, connectionId?: string): Promise<RetryAllResult> {
  const result: RetryAllResult = { retried: 0, failed: 0, events: [], failures: [] };
  // Only the letters open when the walk starts: a copy sent now lands at the end of the stream, and
  // one that fails again at once leaves a new open letter there, which must not be sent again.
  const uptoSeq = await store.lastOpenEventSeq(connectionId);
  if (uptoSeq === undefined) return result;
  for (let afterSeq = 0; ; ) {
    const seqs = await store.openEventSeqs({ connectionId, afterSeq, uptoSeq, limit: PAGE_SIZE });
    for (const seq of seqs) {
      const ids = await store.claimEventForRetry(seq, connectionId);
      // Retried by someone else since the page was read.
      if (ids.length === 0) continue;
      try {
        const copy = await sendAgain(store, republisher, ids, seq, 'retry of all dead letters');
        result.retried++;
        if (result.events.length < MAX_LISTED) result.events.push(copy);
      } catch (error) {
        result.failed++;
        if (result.failures.length < MAX_LISTED) result.failures.push({ streamSeq: seq, reason: describeError(error) });
      }
    }
    if (seqs.length < PAGE_SIZE) return result;
    afterSeq = seqs[seqs.length - 1];
  }
}

/**
 * An order's Retry (or Book again): the event with its newest snapshot is sent again, and that one
 * copy stands for the open letters of all the order's events. Invoice-sync books an order from its
 * newest snapshot, which covers every older one, so the copy's success resolves them all and its
 * failure supersedes them all with its own letter; none is left open for an older snapshot.
 */
export async function retryOrderEvents(
  store: DeadLetterStore, republisher: EventRepublisher, order: { connectionId: string; streamSeqs: readonly (number | string)[] }, newestSeq: number, reason: string,
): Promise<Republished> {
  const ids = await store.claimEventsForRetry(order.streamSeqs.map(Number), order.connectionId, newestSeq);
  return sendAgain(store, republisher, ids, newestSeq, reason);
}

/** Marks a letter as dealt with by hand, with what the operator said. */
export async function dismissDeadLetter(store: DeadLetterStore, id: string, reason: string | undefined): Promise<DeadLetterEntity> {
  const letter = await store.get(id);
  if (!letter) throw new NotFoundException(`Dead letter ${id} does not exist`);
  if (!(await store.dismiss(id, reason?.trim() || null))) {
    throw new ConflictException(`Dead letter ${id} ${outcomeOf((await store.get(id)) ?? letter)}; only open or retrying letters are dismissed`);
  }
  return (await store.get(id)) ?? letter;
}

/** Sends claimed letters' event again and notes the copy; letters whose copy was not sent are open again. */
async function sendAgain(store: DeadLetterStore, republisher: EventRepublisher, ids: string[], seq: number, reason: string): Promise<Republished> {
  let copy: Republished;
  try {
    copy = await republisher.republish(seq, reason);
  } catch (error) {
    await store.releaseRetry(ids);
    throw error;
  }
  // The copy is out: noting it must not fail the retry (the letters would stay `retrying` with no
  // copy to settle them). It is idempotent, so a database blip is ridden out by trying again.
  await withRetries(() => store.recordRetry(ids, copy.seq));
  return copy;
}

/** Why a letter cannot be retried or dismissed now, as the rest of a sentence naming it. */
function outcomeOf(letter: DeadLetterEntity): string {
  switch (letter.status) {
    case 'retrying':
      return `is already being retried${letter.retrySeq ? ` (as event #${letter.retrySeq})` : ''}: its copy's outcome resolves it, or leaves a new dead letter to retry`;
    case 'resolved':
      return 'is resolved: its event has succeeded since';
    case 'dismissed':
      return `was dismissed${letter.dismissedReason ? ` (${letter.dismissedReason})` : ''}`;
    case 'superseded':
      return `was retried and failed again${letter.supersededBy ? `: dead letter ${letter.supersededBy} has the new reason` : ''}`;
    case 'open':
      return 'was released by a retry that failed meanwhile: try again';
  }
}

/** Runs an idempotent write up to five times, a second apart, before giving its error up. */
async function withRetries(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(1_000);
    }
  }
}
