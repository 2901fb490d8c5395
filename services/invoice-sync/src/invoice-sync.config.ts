import { IsInt, Max, Min } from 'class-validator';
import { DEFAULT_HTTP_TIMEOUT_MS } from '@connector/common';
import { SyncServiceConfig } from '@connector/platform';

export class InvoiceSyncConfig extends SyncServiceConfig {
  override HTTP_PORT: number = 3004;

  /**
   * Every order event holds its slot through a Zoho round trip and the database work around it,
   * so the calls per second an instance can make is CONCURRENCY / seconds per event. Organizations
   * draining backlogs at once share these slots: four at 600 calls/min (40/s) with 150 ms Zoho
   * answers need ≈ 9 busy slots, and 8 reached 84–88% of each limit where 16 reached 100%. The
   * database pool grows with it (databasePoolSize).
   */
  override CONCURRENCY: number = 16;

  /**
   * How long an invoice create sent with no answer (a timeout, a dropped connection, its process
   * killed) may still reach Zoho: the Zoho client's timeout and a margin. Until then another create
   * of the order waits and searches again, rather than risk a second invoice.
   */
  @IsInt()
  @Min(0)
  @Max(10 * 60_000)
  ZOHO_CREATE_IN_FLIGHT_MS: number = DEFAULT_HTTP_TIMEOUT_MS + 15_000;
}
