import { Inject, Injectable } from '@nestjs/common';
import { describeError, isTransient, Logger } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { LOGGER, StoreClients } from '@connector/platform';
import { BackfillJobEntity, ConnectionEntity, ConnectionStore } from '@connector/persistence';
import type { WooClient } from '@connector/woocommerce';
import { BackfillJobs, BackfillProgress } from './backfill-jobs';
import { walkModifiedSince } from './modified-walk';
import { Pacer, realClock } from './pacer';
import { PipelineState } from './pipeline-state';
import { OVERLAP_SECONDS } from './reconcile.service';
import { modifiedOf } from './snapshot-lag';
import { SnapshotPublisher } from './snapshot-publisher';
import { compareWooGmt, laterWooGmt, shiftWooGmt, toWooGmt } from './woo-gmt';

const BATCH_SIZE = 100;
/** Attempts at reading the store before the job fails (transient errors only), spaced 30 s × attempt. */
const LIST_ATTEMPTS = 5;
/** Attempts at publishing one order before it is listed as a failure. */
const PUBLISH_ATTEMPTS = 3;

/**
 * Runs one backfill job: every order modified between `since` and the job's start is read from
 * the store (by modification time, resumable from `cursorGmt`) and, when the sync services lack
 * its snapshot, published to the audit stream as origin `backfill`, at most
 * `eventsPerMinute` per minute so live orders keep most of Zoho's per-minute budget. Orders
 * modified after the start are live traffic: webhooks and the reconciliation sweep carry them.
 */
@Injectable()
export class BackfillRunner {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly clients: StoreClients,
    private readonly jobs: BackfillJobs,
    private readonly state: PipelineState,
    private readonly publisher: SnapshotPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns when the job finished (done or failed), or throws the abort reason on shutdown (the job stays resumable). */
  async run(jobId: string, signal: AbortSignal): Promise<void> {
    const job = await this.jobs.find(jobId);
    if (!job || job.status !== 'running') return;
    const connection = await this.connections.find(job.connectionId);
    if (!connection) return this.jobs.finish(job.id, { status: 'failed', error: 'the connection was deleted' });
    const client = this.clients.forConnection(connection);
    const progress: BackfillProgress = {
      processed: job.processed,
      published: job.published,
      total: job.total,
      cursorGmt: job.cursorGmt,
      failures: [...(job.failures ?? [])],
    };
    const pacer = new Pacer(job.eventsPerMinute);
    this.logger.info({ connectionId: connection.id, jobId: job.id, since: job.since, resumedAt: job.cursorGmt }, 'backfill running');

    for (let attempt = 1; ; attempt++) {
      try {
        if (progress.total === null) {
          progress.total = await this.count(client, job, signal);
          await this.jobs.saveProgress(job.id, progress);
        }
        await this.walk(connection, client, job, progress, pacer, signal);
        break;
      } catch (error) {
        if (signal.aborted) {
          await this.jobs.saveProgress(job.id, progress);
          throw error;
        }
        const reason = describeError(error);
        if (!isTransient(error) || attempt >= LIST_ATTEMPTS) {
          await this.jobs.saveProgress(job.id, progress);
          await this.jobs.finish(job.id, { status: 'failed', error: reason });
          this.logger.error({ connectionId: connection.id, jobId: job.id, err: reason }, 'backfill failed');
          return;
        }
        this.logger.warn({ connectionId: connection.id, jobId: job.id, attempt, err: reason }, 'backfill paused: the store could not be read; retrying');
        await realClock.sleep(attempt * 30_000, signal);
      }
    }
    // Orders changed during the run may have moved past the end: the count that stands is what was handled.
    progress.total = progress.processed;
    await this.jobs.saveProgress(job.id, progress);
    await this.jobs.finish(job.id, { status: 'done', total: progress.total });
    this.logger.info({ connectionId: connection.id, jobId: job.id, processed: progress.processed, published: progress.published, failed: progress.failures.length }, 'backfill done');
  }

  /** Orders modified within the job's window, for the progress bar. */
  private async count(client: WooClient, job: BackfillJobEntity, signal: AbortSignal): Promise<number> {
    const [since, until] = window(job);
    let total = 0;
    for await (const order of client.listOrders({ modifiedAfter: shiftWooGmt(since, -1), orderBy: 'modified', order: 'asc' })) {
      signal.throwIfAborted();
      const modified = modifiedOf(order);
      if (modified && compareWooGmt(modified, until) > 0) break;
      if (modified && compareWooGmt(modified, since) >= 0) total += 1;
    }
    return total;
  }

  private async walk(
    connection: ConnectionEntity,
    client: WooClient,
    job: BackfillJobEntity,
    progress: BackfillProgress,
    pacer: Pacer,
    signal: AbortSignal,
  ): Promise<void> {
    const [since, until] = window(job);
    const batches = walkModifiedSince<WooOrder>(
      {
        list: (modifiedAfter) => client.listOrders({ modifiedAfter, orderBy: 'modified', order: 'asc' }),
        idOf: (order) => order.id,
        modifiedOf: (order) => modifiedOf(order),
      },
      { from: progress.cursorGmt ?? since, overlapSeconds: OVERLAP_SECONDS, batchSize: BATCH_SIZE, until, signal },
    );
    for await (const batch of batches) {
      // The overlap reaches a few seconds before `since`; those orders are not part of the job.
      const orders = batch.items.filter((order) => compareWooGmt(modifiedOf(order), since) >= 0);
      const lacking = new Map((await this.state.lackingOrders(connection.id, orders)).map(({ item, why }) => [item, why]));
      for (const order of orders) {
        signal.throwIfAborted();
        const why = lacking.get(order);
        if (why !== undefined) {
          await pacer.next(signal);
          await this.publish(connection, job, order, why, progress, signal);
        }
        progress.processed += 1;
        progress.cursorGmt = laterWooGmt(progress.cursorGmt ?? since, modifiedOf(order) ?? since);
        if (progress.total !== null && progress.processed > progress.total) progress.total = progress.processed;
        if (why !== undefined) await this.jobs.saveProgress(job.id, progress);
      }
      progress.cursorGmt = laterWooGmt(progress.cursorGmt ?? since, batch.checkpoint);
      await this.jobs.saveProgress(job.id, progress);
    }
  }

  private async publish(connection: ConnectionEntity, job: BackfillJobEntity, order: WooOrder, why: string, progress: BackfillProgress, signal: AbortSignal): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.publisher.publish(connection, 'order', order, { origin: 'backfill', why, extraHeaders: { 'Connector-Backfill-Job': job.id } });
        progress.published += 1;
        return;
      } catch (error) {
        if (attempt >= PUBLISH_ATTEMPTS) {
          progress.failures.push({ orderId: order.id, reason: `not published to the audit stream: ${describeError(error)}` });
          return;
        }
        await realClock.sleep(attempt * 2_000, signal);
      }
    }
  }
}

/** `[since, until]` of a job as WooCommerce GMT times. */
function window(job: BackfillJobEntity): [string, string] {
  return [toWooGmt(job.since), toWooGmt(job.startedAt)];
}
