import { IsInt, Max, Min } from 'class-validator';
import { SyncServiceConfig } from '@connector/platform';

// The `: number` annotations are what make `loadConfig` turn environment strings into numbers
// (class-transformer's implicit conversion reads the emitted design type).
export class CustomerSyncConfig extends SyncServiceConfig {
  override HTTP_PORT: number = 3002;

  /**
   * Contact resolutions (lock + Zoho lookup/create/update) one instance runs at once. Each holds
   * a pooled PostgreSQL connection for its advisory lock and needs more for its own queries, so
   * this stays well below the pool (at least 10, see databasePoolSize); the rest wait in memory, not on the database.
   */
  @IsInt()
  @Min(1)
  @Max(8)
  CONTACT_RESOLVE_CONCURRENCY: number = 4;

  /** How long a worker waits for another instance's lock on the same email before a retryable failure. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  CONTACT_LOCK_WAIT_MS: number = 10_000;
}
