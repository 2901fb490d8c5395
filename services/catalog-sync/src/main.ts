import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@connector/common';
import { CONSUMERS } from '@connector/contracts';
import { bootstrapService, retrySettings, runMain, syncConsumer } from '@connector/platform';
import { CatalogSyncModule } from './app.module';
import { CatalogSyncConfig } from './catalog-sync.config';

/** Answers ensure-items and catalog-sync RPCs, and follows product events when a store sends them. */
export async function startCatalogSync(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(CatalogSyncConfig, env);
  return bootstrapService({
    module: CatalogSyncModule.forRoot(config) as never,
    service: 'catalog-sync',
    port: config.HTTP_PORT,
    consumers: [syncConsumer(config, CONSUMERS.catalogSync, 'product')],
    rpc: true,
    retry: retrySettings(config),
  });
}

if (require.main === module) runMain('catalog-sync', () => startCatalogSync());
