import { BadRequestException, Inject, Injectable, NotFoundException, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeError, Logger } from '@connector/common';
import { LOGGER } from '@connector/platform';
import { ConnectionStore, isUuid } from '@connector/persistence';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { BackfillJobs } from './backfill-jobs';
import { BackfillRunner } from './backfill.runner';
import { backfillView } from './backfill.view';
import { runExclusive } from './exclusive';
import { PeriodicTask } from './periodic-task';

/** How often each instance looks for running jobs whose worker is gone (its instance stopped). */
const RESUME_CHECK_MS = 60_000;

interface Worker {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Starts backfill jobs and keeps them going. A job runs on one instance at a time, holding its
 * advisory lock for as long as it runs; when an instance stops, its jobs stay `running` with their
 * progress, and any instance takes them up again (the lock is free once the old session is gone).
 */
@Injectable()
export class BackfillService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workers = new Map<string, Worker>();
  private readonly resumeTask: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly jobs: BackfillJobs,
    private readonly runner: BackfillRunner,
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.resumeTask = new PeriodicTask('backfill resume', RESUME_CHECK_MS, () => this.resumeOrphans(), logger);
  }

  onApplicationBootstrap(): void {
    this.resumeTask.start(2_000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.resumeTask.stop();
    for (const worker of this.workers.values()) worker.abort.abort(new Error('token-service is shutting down'));
    await Promise.all([...this.workers.values()].map((worker) => worker.done));
  }

  async start(connectionId: string, since: Date): Promise<{ jobId: string }> {
    if (!(await this.connections.find(connectionId))) throw new NotFoundException(`Connection ${connectionId} does not exist`);
    if (since.getTime() > Date.now()) throw new BadRequestException('since must not be in the future');
    const job = await this.jobs.create(connectionId, since, this.config.BACKFILL_EVENTS_PER_MINUTE);
    this.logger.info({ connectionId, jobId: job.id, since: since.toISOString(), perMinute: job.eventsPerMinute }, 'backfill started');
    this.launch(job.id);
    return { jobId: job.id };
  }

  async get(jobId: string) {
    const job = isUuid(jobId) ? await this.jobs.find(jobId) : null;
    if (!job) throw new NotFoundException(`Backfill ${jobId} does not exist`);
    return backfillView(job);
  }

  private async resumeOrphans(): Promise<void> {
    for (const job of await this.jobs.running()) this.launch(job.id);
  }

  private launch(jobId: string): void {
    if (this.workers.has(jobId)) return;
    const abort = new AbortController();
    const done = runExclusive(this.dataSource, `backfill:${jobId}`, () => this.runner.run(jobId, abort.signal))
      .then(() => undefined)
      .catch((error) => {
        if (abort.signal.aborted) this.logger.info({ jobId }, 'backfill paused by shutdown; another instance resumes it');
        else this.logger.error({ jobId, err: describeError(error) }, 'backfill worker stopped; it is resumed on the next check');
      })
      .finally(() => this.workers.delete(jobId));
    this.workers.set(jobId, { abort, done });
  }
}
