import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { BackfillFailure, BackfillJobEntity } from '@connector/persistence';

/** Failures kept per job; beyond that the list would only grow the row (the audit trail has them all). */
export const MAX_LISTED_FAILURES = 500;

export interface BackfillProgress {
  processed: number;
  published: number;
  total: number | null;
  cursorGmt: string | null;
  failures: BackfillFailure[];
}

/** The `backfill_jobs` table. */
@Injectable()
export class BackfillJobs {
  private readonly repo: Repository<BackfillJobEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(BackfillJobEntity);
  }

  /** A new running job; 409 when the connection already has one (a unique index, so also across instances). */
  async create(connectionId: string, since: Date, eventsPerMinute: number): Promise<BackfillJobEntity> {
    try {
      const [row] = await this.repo.query(
        `INSERT INTO backfill_jobs (connection_id, since, status, events_per_minute) VALUES ($1, $2, 'running', $3) RETURNING id`,
        [connectionId, since, eventsPerMinute],
      );
      return (await this.find(row.id))!;
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      const running = await this.repo.findOne({ where: { connectionId, status: 'running' } });
      throw new ConflictException(
        running ? `Backfill ${running.id} is still running for this connection; follow it or wait for it to finish` : 'A backfill is still running for this connection',
      );
    }
  }

  find(id: string): Promise<BackfillJobEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  running(): Promise<BackfillJobEntity[]> {
    return this.repo.find({ where: { status: 'running' } });
  }

  async saveProgress(id: string, progress: BackfillProgress): Promise<void> {
    await this.repo.update({ id }, { ...progress, failures: progress.failures.slice(0, MAX_LISTED_FAILURES) as never, updatedAt: new Date() });
  }

  /**
   * Why a running job waits and until when (the Zoho quota, an unreachable audit stream), shown on
   * the job; null when it carries on. Kept in `error`, which a running job does not otherwise use.
   */
  async notePause(id: string, pause: string | null): Promise<void> {
    await this.repo.update({ id }, { error: pause, updatedAt: new Date() });
  }

  async finish(id: string, outcome: { status: 'done' | 'failed'; error?: string | null; total?: number | null }): Promise<void> {
    await this.repo.update(
      { id },
      {
        status: outcome.status,
        error: outcome.error ?? null,
        ...(outcome.total === undefined ? {} : { total: outcome.total }),
        finishedAt: new Date(),
        updatedAt: new Date(),
      },
    );
  }
}
