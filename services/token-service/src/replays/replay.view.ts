import type { PlannedWrite, ReplayFailure } from '@connector/contracts';
import type { ReplayEntity, ReplayStatus } from '@connector/persistence';

/**
 * A running service reports about every second; a row silent for this long belongs to a service
 * that stopped mid-replay (crash, kill), so the replay is shown as failed rather than running forever.
 */
export const STALE_AFTER_MS = 60_000;
const MAX_PLANNED = 500;

/** One target service's part of a replay. */
export function partView(row: ReplayEntity, now = Date.now()) {
  const stale = row.status === 'running' && now - row.updatedAt.getTime() > STALE_AFTER_MS;
  const lastSeq = row.lastSeq === null ? null : Number(row.lastSeq);
  const resumeAt = lastSeq === null ? (row.fromSeq === null ? null : Number(row.fromSeq)) : lastSeq + 1;
  return {
    service: row.service,
    resource: row.resource,
    status: (stale ? 'failed' : row.status) as ReplayStatus,
    processed: row.processed,
    total: row.total,
    failures: row.failures,
    lastSeq,
    consumer: row.consumer,
    error: stale
      ? `${row.service} reported no progress since ${row.updatedAt.toISOString()} (it may have stopped)${resumeAt === null ? '' : `; replay again from sequence ${resumeAt}`}`
      : row.error,
    finishedAt: row.finishedAt,
  };
}

/** A replay as the admin API, the CLI and the dashboard see it: its services' parts added up. */
export function replayView(rows: ReplayEntity[], now = Date.now()) {
  const summary = replaySummary(rows, now);
  const planned = rows
    .flatMap((row) => row.planned as PlannedWrite[])
    .sort((a, b) => a.seq - b.seq || a.service.localeCompare(b.service))
    .slice(0, MAX_PLANNED);
  const failedEvents = rows
    .flatMap((row) => (row.failedEvents as ReplayFailure[]).map((failure) => ({ ...failure, service: row.service })))
    .sort((a, b) => a.seq - b.seq);
  return { ...summary, planned, failedEvents };
}

/** The same without the planned writes and failed events themselves (for lists). */
export function replaySummary(rows: ReplayEntity[], now = Date.now()) {
  const parts = rows.map((row) => partView(row, now)).sort((a, b) => a.service.localeCompare(b.service));
  const first = rows[0];
  const status: ReplayStatus = parts.some((p) => p.status === 'running') ? 'running' : parts.some((p) => p.status === 'failed') ? 'failed' : 'done';
  const counted = parts.filter((p) => p.total !== null);
  const finished = parts.map((p) => p.finishedAt).filter((at): at is Date => at !== null);
  return {
    id: first.id,
    connectionId: first.connectionId,
    status,
    done: status !== 'running',
    processed: sum(parts.map((p) => p.processed)),
    // Unknown while a service has yet to count its events (the CLI and dashboard show an open bar).
    total: status === 'running' && counted.length < parts.length ? null : sum(counted.map((p) => p.total!)),
    failures: sum(parts.map((p) => p.failures)),
    dryRun: first.dryRun,
    plannedCount: sum(rows.map((row) => row.plannedCount)),
    fromSeq: first.fromSeq === null ? null : Number(first.fromSeq),
    fromTime: first.fromTime,
    errors: parts.filter((p) => p.error).map((p) => `${p.service}: ${p.error}`),
    services: parts,
    startedAt: new Date(Math.min(...rows.map((row) => row.startedAt.getTime()))),
    finishedAt: status === 'running' || finished.length === 0 ? null : new Date(Math.max(...finished.map((at) => at.getTime()))),
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
