import { Inject, Injectable } from '@nestjs/common';
import { ConnectionEntity, ConnectionStore } from '@connector/persistence';
import { WooClient } from '@connector/woocommerce';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';

/** The WooCommerce REST client of a connection, with its stored (decrypted) key. */
@Injectable()
export class StoreClients {
  constructor(
    private readonly connections: ConnectionStore,
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
  ) {}

  forConnection(connection: ConnectionEntity): WooClient {
    const credentials = this.connections.wooCredentials(connection);
    return new WooClient({ url: connection.storeUrl, ...credentials, allowPrivate: this.config.ALLOW_PRIVATE_ENDPOINTS });
  }
}
