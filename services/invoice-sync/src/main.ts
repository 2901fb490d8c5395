import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@connector/common';
import { CONSUMERS } from '@connector/contracts';
import { bootstrapService, retrySettings, runMain, syncConsumer } from '@connector/platform';
import { InvoiceSyncModule } from './app.module';
import { InvoiceSyncConfig } from './invoice-sync.config';

export async function startInvoiceSync(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(InvoiceSyncConfig, env);
  return bootstrapService({
    module: InvoiceSyncModule.forRoot(config) as never,
    service: 'invoice-sync',
    port: config.HTTP_PORT,
    consumers: [syncConsumer(config, CONSUMERS.invoiceSync, 'order')],
    retry: retrySettings(config),
  });
}

if (require.main === module) runMain('invoice-sync', () => startInvoiceSync());
