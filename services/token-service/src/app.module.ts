import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@connector/platform';
import { ZohoOAuthClient } from '@connector/zoho-books';
import { AuditController } from './audit/audit.controller';
import { CatalogController } from './catalog/catalog.controller';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { NewestOrderEvent } from './orders/newest-order-event';
import { OrderRebook } from './orders/order-rebook.service';
import { OrdersController } from './orders/orders.controller';
import { EventRepublisher } from './replay/event-republisher';
import { ReplaysController } from './replays/replays.controller';
import { ReplaysService } from './replays/replays.service';
import { StreamReader } from './audit/stream-reader';
import { AdminTokenGuard } from './auth/admin-token.guard';
import { AlertsModule } from './alerts/alerts.module';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsService } from './connections/connections.service';
import { WebhookDeliveryCheck } from './connections/webhook-delivery-check';
import { DashboardModule } from './dashboard/dashboard.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { TokenServiceConfig } from './token-service.config';
import { SERVICE_CONFIG } from './tokens';
import { ZohoSessionHandler } from './zoho/zoho-session.handler';
import { ZohoTokenManager } from './zoho/zoho-token.manager';

@Module({})
export class TokenServiceModule {
  static forRoot(config: TokenServiceConfig): DynamicModule {
    return {
      module: TokenServiceModule,
      imports: [
        PlatformModule.forRoot({ service: 'token-service', config }),
        DashboardModule,
        AlertsModule.forRoot(config),
        ReconciliationModule.forRoot(config),
      ],
      controllers: [ConnectionsController, AuditController, OrdersController, CatalogController, DeadLettersController, ReplaysController, ZohoSessionHandler],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: ZohoOAuthClient, useValue: new ZohoOAuthClient({ allowPrivate: config.ALLOW_PRIVATE_ENDPOINTS }) },
        AdminTokenGuard,
        ConnectionsService,
        WebhookDeliveryCheck,
        ZohoTokenManager,
        StreamReader,
        EventRepublisher,
        OrderRebook,
        NewestOrderEvent,
        ReplaysService,
      ],
    };
  }
}
