import { IsInt, Max, Min } from 'class-validator';
import { SyncServiceConfig } from '@connector/platform';

export class CatalogSyncConfig extends SyncServiceConfig {
  override HTTP_PORT: number = 3003;

  /**
   * Item resolutions (lock + Zoho search/create) one instance runs at once. Each holds a pooled
   * PostgreSQL connection for its advisory lock and needs more for its own queries, so this stays
   * well below the pool (at least 10, see databasePoolSize); lines beyond it wait in memory, not on the database.
   */
  @IsInt()
  @Min(1)
  @Max(8)
  ITEM_RESOLVE_CONCURRENCY: number = 4;

  /** How long a worker waits for another instance's lock on the same SKU before a retryable failure. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  ITEM_LOCK_WAIT_MS: number = 10_000;
}
