import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyedAdvisoryLocks } from '@connector/persistence';
import { decisionAuditProvider, PlatformModule, SyncServiceReplays, ZohoClientFactory } from '@connector/platform';
import { CatalogSyncConfig } from './catalog-sync.config';
import { CatalogImportService } from './items/catalog-import.service';
import { CatalogSyncHandler } from './items/catalog-sync.handler';
import { EnsureItemsHandler } from './items/ensure-items.handler';
import { ItemLinksRepository } from './items/item-links.repository';
import { ItemResolverService } from './items/item-resolver.service';
import { ProductEventsHandler } from './items/product-events.handler';
import { ProductRefreshService } from './items/product-refresh.service';
import { ReplayHandler } from './items/replay.handler';
import { ProductReplayPreview } from './items/replay-product-preview';

@Module({})
export class CatalogSyncModule {
  static forRoot(config: CatalogSyncConfig): DynamicModule {
    return {
      module: CatalogSyncModule,
      imports: [PlatformModule.forRoot({ service: 'catalog-sync', config })],
      controllers: [EnsureItemsHandler, CatalogSyncHandler, ProductEventsHandler, ReplayHandler],
      providers: [
        ZohoClientFactory,
        SyncServiceReplays,
        ItemLinksRepository,
        {
          provide: KeyedAdvisoryLocks,
          useFactory: (dataSource: DataSource) =>
            new KeyedAdvisoryLocks(dataSource, { concurrency: config.ITEM_RESOLVE_CONCURRENCY, waitMs: config.ITEM_LOCK_WAIT_MS }),
          inject: [DataSource],
        },
        decisionAuditProvider('product'),
        ItemResolverService,
        ProductRefreshService,
        CatalogImportService,
        ProductReplayPreview,
      ],
    };
  }
}
