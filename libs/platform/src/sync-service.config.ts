import { IsInt, Max, Min, Validate } from 'class-validator';
import { subjects, Topology } from '@connector/contracts';
import { BLOCK_WAIT_DELIVERIES, ConsumerBinding, RETRY_WINDOW_MS, RetrySettings } from '@connector/messaging';
import { PoolFitsConcurrency } from './database-pool';
import { PlatformConfig } from './platform.config';

/** Settings shared by customer-sync, catalog-sync and invoice-sync (documented in the README). */
export class SyncServiceConfig extends PlatformConfig {
  /** Health and metrics port (0 picks a free port). */
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT: number = 3002;

  /** Events one instance handles at once. Total concurrency = replicas × CONCURRENCY. */
  @IsInt()
  @Min(1)
  @Max(256)
  @Validate(PoolFitsConcurrency)
  CONCURRENCY: number = 8;

  /** Deliveries of one event before it becomes a dead letter. */
  @IsInt()
  @Min(1)
  @Max(1000)
  MAX_DELIVER: number = 20;

  /** First retry delay; doubles per attempt with jitter up to RETRY_MAX_MS. */
  @IsInt()
  @Min(10)
  RETRY_INITIAL_MS: number = 2_000;

  @IsInt()
  @Min(10)
  RETRY_MAX_MS: number = 10 * 60_000;

  /**
   * How long an event that keeps failing is retried (every RETRY_MAX_MS at most) once it had
   * MAX_DELIVER deliveries, from its first failure; then it is a dead letter. 0: MAX_DELIVER alone.
   */
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 60 * 60_000)
  RETRY_WINDOW_MS: number = RETRY_WINDOW_MS;

  /** How long a message may be held without progress; handlers extend it while working. */
  @IsInt()
  @Min(1_000)
  ACK_WAIT_MS: number = 60_000;

  /**
   * Events a service's consumer may have delivered and not yet settled, across all instances: those
   * being handled and those put back to wait (a rate-limit block, a connection needing
   * re-authorization, a store that is down). At this bound JetStream delivers nothing more to
   * anyone, so it must exceed what one blocked organization can hold back, or that organization
   * stalls every other connection for the length of its block.
   */
  @IsInt()
  @Min(256)
  @Max(1_000_000)
  MAX_ACK_PENDING: number = 20_000;

  /** Zoho calls per minute per organization, shared by all instances (Zoho's limit is 100). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  ZOHO_RATE_LIMIT_PER_MINUTE: number = 100;
}

export function retrySettings(config: SyncServiceConfig): RetrySettings {
  return {
    backoff: { initialDelayMs: config.RETRY_INITIAL_MS, maxDelayMs: config.RETRY_MAX_MS, multiplier: 2, jitter: 1 },
    maxDeliver: config.MAX_DELIVER,
    blockWaitDeliveries: BLOCK_WAIT_DELIVERIES,
    retryWindowMs: config.RETRY_WINDOW_MS,
  };
}

/** The durable consumer of one sync service over one resource of the audit stream. */
export function syncConsumer(config: SyncServiceConfig, durable: string, resource: string): ConsumerBinding {
  const topology: Topology = { stream: config.NATS_STREAM, subjectPrefix: config.NATS_SUBJECT_PREFIX };
  return {
    durable,
    filterSubject: subjects.resourceFilter(topology, resource),
    ackWaitMs: config.ACK_WAIT_MS,
    maxDeliver: config.MAX_DELIVER,
    maxAckPending: config.MAX_ACK_PENDING,
    concurrency: config.CONCURRENCY,
    description: `${durable}: ${resource} events`,
  };
}
