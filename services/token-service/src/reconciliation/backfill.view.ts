import type { BackfillJobEntity } from '@connector/persistence';

/**
 * A backfill as the admin API shows it (the CLI and the dashboard follow `processed`, `total`, `done`).
 * `paused` says why a running job waits and when it resumes; `error` why a failed one stopped.
 */
export function backfillView(job: BackfillJobEntity) {
  return {
    id: job.id,
    connectionId: job.connectionId,
    status: job.status,
    processed: job.processed,
    total: job.total,
    done: job.status !== 'running',
    published: job.published,
    failures: job.failures ?? [],
    paused: job.status === 'running' ? job.error : null,
    error: job.status === 'running' ? null : job.error,
    since: job.since.toISOString(),
    eventsPerMinute: job.eventsPerMinute,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
  };
}
