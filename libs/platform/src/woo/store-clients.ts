import { Inject, Injectable } from '@nestjs/common';
import { ConnectionEntity, ConnectionStore, WooCredentials } from '@connector/persistence';
import { WooClient } from '@connector/woocommerce';
import type { PlatformConfig } from '../platform.config';
import { PLATFORM_CONFIG } from '../tokens';

/** The WooCommerce REST client of a connection, its stored key opened only for the client. */
@Injectable()
export class StoreClients {
  constructor(
    private readonly connections: ConnectionStore,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  forConnection(connection: ConnectionEntity): WooClient {
    return this.forKeys(connection.storeUrl, this.connections.wooCredentials(connection));
  }

  /** A client for keys not stored yet (checked before they replace a connection's). */
  forKeys(storeUrl: string, credentials: WooCredentials): WooClient {
    return new WooClient({ url: storeUrl, ...credentials, allowPrivate: this.config.ALLOW_PRIVATE_ENDPOINTS });
  }
}
