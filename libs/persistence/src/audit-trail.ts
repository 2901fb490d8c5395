import { DataSource, Repository } from 'typeorm';
import { AuditEntryEntity } from './entities';

export interface AuditRecord {
  connectionId: string;
  service: string;
  streamSeq?: number | string | null;
  resource: string;
  resourceId?: string | number | null;
  action: string;
  outcome: 'ok' | 'skipped' | 'failed' | 'retrying' | 'dry-run';
  message?: string | null;
  detail?: unknown;
  correlationId?: string | null;
}

/** Appends to the per-service audit trail and answers "what happened to order 727?". */
export class AuditTrail {
  private readonly repo: Repository<AuditEntryEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(AuditEntryEntity);
  }

  async record(entry: AuditRecord): Promise<void> {
    await this.repo.insert(auditRow(entry));
  }

  /** Several entries in one multi-row insert (a replay notes a whole batch of skipped events at once). */
  async recordMany(entries: readonly AuditRecord[]): Promise<void> {
    if (entries.length === 0) return;
    await this.repo.insert(entries.map(auditRow));
  }

  forResource(connectionId: string, resource: string, resourceId: string): Promise<AuditEntryEntity[]> {
    return this.repo.find({ where: { connectionId, resource, resourceId }, order: { id: 'ASC' } });
  }

  recent(connectionId: string, limit = 100, beforeId?: string): Promise<AuditEntryEntity[]> {
    const query = this.repo
      .createQueryBuilder('a')
      .where('a.connection_id = :connectionId', { connectionId })
      .orderBy('a.id', 'DESC')
      .limit(Math.min(Math.max(limit, 1), 500));
    if (beforeId) query.andWhere('a.id < :beforeId', { beforeId });
    return query.getMany();
  }
}

/** The row of one entry (ids and times are the database's). */
function auditRow(entry: AuditRecord) {
  return {
    connectionId: entry.connectionId,
    service: entry.service,
    streamSeq: entry.streamSeq === undefined || entry.streamSeq === null ? null : String(entry.streamSeq),
    resource: entry.resource,
    resourceId: entry.resourceId === undefined || entry.resourceId === null ? null : String(entry.resourceId),
    action: entry.action,
    outcome: entry.outcome,
    message: entry.message ?? null,
    detail: (entry.detail ?? null) as never,
    correlationId: entry.correlationId ?? null,
  };
}
