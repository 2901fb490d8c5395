import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeError, isTransient, Logger } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { LOGGER, StoreClients } from '@connector/platform';
import { BackfillJobEntity, ConnectionEntity, ConnectionStore } from '@connector/persistence';
import type { WooClient } from '@connector/woocommerce';
import { BackfillJobs, BackfillProgress } from './backfill-jobs';
import { BackfillQuota } from './backfill-quota';
import { walkModifiedSince } from './modified-walk';
import { Pacer, realClock } from './pacer';
import { PipelineState } from './pipeline-state';
import { OVERLAP_SECONDS } from './reconcile.service';
import { modifiedOf } from './snapshot-lag';
import { SnapshotPublisher } from './snapshot-publisher';
import { compareWooGmt, laterWooGmt, shiftWooGmt, toWooGmt } from './woo-gmt';

const BATCH_SIZE = 100;
/** Attempts in a row without progress at reading the store before the job fails (transient errors only), spaced 30 s × attempt. */
const LIST_ATTEMPTS = 5;
/** The longest wait between tries at publishing an order the audit stream did not take. */
const MAX_PUBLISH_RETRY_MS = 60_000;
/** How long one order is retried before it is listed as a failure and the job goes on. */
const PUBLISH_RETRY_WINDOW_MS = 60 * 60_000;
/** A job waiting for the Zoho quota looks again at least this often (a block lifted, a limit raised). */
const QUOTA_RECHECK_MS = 5 * 60_000;

/**
 * Runs one backfill job: every order modified between `since` and the job's start is read from
 * the store (by modification time, resumable from `cursorGmt`) and, when the sync services lack
 * its snapshot, published to the audit stream as origin `backfill`, at most
 * `eventsPerMinute` per minute so live orders keep most of Zoho's per-minute budget, and only
 * while the organization has used less than its share of the daily quota (see BackfillQuota) and
 * Zoho does not block it. Orders modified after the start are live traffic: webhooks and the
 * reconciliation sweep carry them. An order the audit stream does not take is retried, never skipped.
 */
@Injectable()
export class BackfillRunner {
  private readonly quota: BackfillQuota;

  constructor(
    dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly clients: StoreClients,
    private readonly jobs: BackfillJobs,
    private readonly state: PipelineState,
    private readonly publisher: SnapshotPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.quota = new BackfillQuota(dataSource);
  }

  /** Returns when the job finished (done or failed), or throws the abort reason on shutdown (the job stays resumable). */
  async run(jobId: string, signal: AbortSignal): Promise<void> {
    const job = await this.jobs.find(jobId);
    if (!job || job.status !== 'running') return;
    const connection = await this.connections.find(job.connectionId);
    if (!connection) return this.jobs.finish(job.id, { status: 'failed', error: 'the connection was deleted' });
    const client = this.clients.forConnection(connection);
    // A pause noted before a restart is stale: this run looks again before its next event.
    if (job.error) await this.jobs.notePause(job.id, null);
    const progress: BackfillProgress = {
      processed: job.processed,
      published: job.published,
      total: job.total,
      cursorGmt: job.cursorGmt,
      failures: [...(job.failures ?? [])],
    };
    const pacer = new Pacer(job.eventsPerMinute);
    this.logger.info({ connectionId: connection.id, jobId: job.id, since: job.since, resumedAt: job.cursorGmt }, 'backfill running');

    let attempt = 0;
    for (;;) {
      const processedBefore = progress.processed;
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
        // A job running for days meets many passing errors: only those in a row without progress count.
        attempt = progress.processed > processedBefore ? 1 : attempt + 1;
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
          await this.waitForQuota(connection, job, signal);
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

  /**
   * Holds the job while the organization's Zoho quota is kept for live orders (a backfill spending
   * it would leave them waiting for tomorrow); the reason and the resume time show on the job.
   */
  private async waitForQuota(connection: ConnectionEntity, job: BackfillJobEntity, signal: AbortSignal): Promise<void> {
    let current = connection;
    let paused = false;
    for (;;) {
      const pause = await this.quota.pause(current);
      if (!pause) break;
      if (!paused) this.logger.warn({ connectionId: connection.id, jobId: job.id, reason: pause.reason, resumesAt: pause.resumesAt }, 'backfill paused for the Zoho quota');
      paused = true;
      await this.jobs.notePause(job.id, `${pause.reason}; resumes at ${pause.resumesAt.toISOString()}`);
      await realClock.sleep(Math.min(Math.max(pause.resumesAt.getTime() - Date.now(), 1_000), QUOTA_RECHECK_MS), signal);
      // Settings may change while the job waits (e.g. the plan's daily limit entered).
      current = (await this.connections.find(connection.id)) ?? current;
    }
    if (paused) {
      await this.jobs.notePause(job.id, null);
      this.logger.info({ connectionId: connection.id, jobId: job.id }, 'backfill resumed: the Zoho quota allows it again');
    }
  }

  /**
   * Publishes one order, retrying while the audit stream does not take it (a NATS outage: a
   * skipped order would have nothing left to retry it). An order refused for a whole hour is
   * refused for itself (larger than the server takes, say): it is listed among the job's failures
   * and the job goes on, rather than waiting on it forever.
   */
  private async publish(connection: ConnectionEntity, job: BackfillJobEntity, order: WooOrder, why: string, progress: BackfillProgress, signal: AbortSignal): Promise<void> {
    const givingUpAt = Date.now() + PUBLISH_RETRY_WINDOW_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.publisher.publish(connection, 'order', order, { origin: 'backfill', why, extraHeaders: { 'Connector-Backfill-Job': job.id } });
        progress.published += 1;
        if (attempt > 1) await this.jobs.notePause(job.id, null);
        return;
      } catch (error) {
        if (signal.aborted) throw error;
        if (Date.now() >= givingUpAt) {
          progress.failures.push({ orderId: order.id, reason: `not published to the audit stream for an hour: ${describeError(error)}` });
          await this.jobs.notePause(job.id, null);
          return;
        }
        const retryInMs = Math.min(attempt * 2_000, MAX_PUBLISH_RETRY_MS);
        const reason = `order ${order.id} was not taken by the audit stream (${describeError(error)}); retrying it at ${new Date(Date.now() + retryInMs).toISOString()}`;
        this.logger.warn({ connectionId: connection.id, jobId: job.id, orderId: order.id, attempt, err: describeError(error) }, 'backfill paused: publishing failed');
        await this.jobs.notePause(job.id, reason);
        await realClock.sleep(retryInMs, signal);
      }
    }
  }
}

/** `[since, until]` of a job as WooCommerce GMT times. */
function window(job: BackfillJobEntity): [string, string] {
  return [toWooGmt(job.since), toWooGmt(job.startedAt)];
}
