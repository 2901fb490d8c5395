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

  /**
   * Several entries in one statement (a replay notes a whole batch of skipped events at once).
   * The rows travel as one JSON parameter: building a multi-row insert through the ORM costs more
   * CPU per row than the rest of a replayed event's fast path.
   */
  async recordMany(entries: readonly AuditRecord[]): Promise<void> {
    if (entries.length === 0) return;
    await this.repo.query(
      `INSERT INTO audit_entries (connection_id, service, stream_seq, resource, resource_id, action, outcome, message, detail, correlation_id)
       SELECT "connectionId", service, "streamSeq", resource, "resourceId", action, outcome, message, detail, "correlationId"
       FROM jsonb_to_recordset($1::jsonb) AS e("connectionId" text, service text, "streamSeq" bigint, resource text, "resourceId" text,
                                             action text, outcome text, message text, detail jsonb, "correlationId" text)`,
      [JSON.stringify(entries.map(auditRow))],
    );
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
