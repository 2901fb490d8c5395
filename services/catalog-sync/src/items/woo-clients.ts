import { Inject, Injectable } from '@nestjs/common';
import { ConnectionEntity, ConnectionStore } from '@connector/persistence';
import { WooClient } from '@connector/woocommerce';
import type { CatalogSyncConfig } from '../catalog-sync.config';
import { CATALOG_SYNC_CONFIG } from './tokens';

/** The store's REST client for a connection, with its credentials opened only for the call. */
@Injectable()
export class WooClients {
  constructor(
    private readonly connections: ConnectionStore,
    @Inject(CATALOG_SYNC_CONFIG) private readonly config: CatalogSyncConfig,
  ) {}

  forConnection(connection: ConnectionEntity): WooClient {
    const credentials = this.connections.wooCredentials(connection);
    return new WooClient({ url: connection.storeUrl, ...credentials, allowPrivate: this.config.ALLOW_PRIVATE_ENDPOINTS });
  }
}
