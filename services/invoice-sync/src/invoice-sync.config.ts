import { SyncServiceConfig } from '@connector/platform';

export class InvoiceSyncConfig extends SyncServiceConfig {
  override HTTP_PORT: number = 3004;
}
