import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@connector/common';
import { CONSUMERS } from '@connector/contracts';
import { bootstrapService, retrySettings, runMain, syncConsumer } from '@connector/platform';
import { CustomerSyncModule } from './app.module';
import { CustomerSyncConfig } from './customer-sync.config';

/** Follows customer events and answers ensure-contact RPCs: one Zoho contact per customer email. */
export async function startCustomerSync(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(CustomerSyncConfig, env);
  return bootstrapService({
    module: CustomerSyncModule.forRoot(config) as never,
    service: 'customer-sync',
    port: config.HTTP_PORT,
    consumers: [syncConsumer(config, CONSUMERS.customerSync, 'customer')],
    rpc: true,
    retry: retrySettings(config),
  });
}

if (require.main === module) runMain('customer-sync', () => startCustomerSync());
