import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC, SyncCatalogReply, SyncCatalogRequest } from '@connector/contracts';
import { CatalogImportService } from './catalog-import.service';

/** Resolves a store's whole catalogue on demand (the token-service calls it at setup and from the admin API). */
@Controller()
export class CatalogSyncHandler {
  constructor(private readonly catalog: CatalogImportService) {}

  @MessagePattern(RPC.syncCatalog)
  syncCatalog(@Payload() request: SyncCatalogRequest): Promise<SyncCatalogReply> {
    return this.catalog.sync(request);
  }
}
