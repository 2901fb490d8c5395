import { DynamicModule, Module } from '@nestjs/common';
import { OrganizationCurrencies, PlatformModule, SyncServiceReplays, ZohoClientFactory } from '@connector/platform';
import { InvoiceSyncConfig } from './invoice-sync.config';
import { AppliedOrderEvents } from './orders/applied-order-events';
import { InFlightOrders } from './orders/in-flight-orders';
import { InvoiceContextResolver } from './orders/invoice-context.resolver';
import { InvoicePlanner } from './orders/invoice-planner';
import { OrderDryRun } from './orders/order-dry-run';
import { OrderEventsHandler } from './orders/order-events.handler';
import { OrderSyncMetrics } from './orders/order-sync.metrics';
import { OrderSyncRepository } from './orders/order-sync.repository';
import { DeletedInvoices } from './orders/deleted-invoice';
import { OlderDeadLetters } from './orders/older-dead-letters';
import { OrderSyncService } from './orders/order-sync.service';
import { ReplayHandler } from './orders/replay.handler';
import { RefundCreditRepository } from './refunds/refund-credit.repository';
import { RefundCreditsService } from './refunds/refund-credits.service';
import { OrderPaymentRepository } from './payments/order-payment.repository';
import { OrderPaymentsService } from './payments/order-payments.service';
import { ExchangeRates } from './zoho/exchange-rates';
import { LostCreateGuard } from './zoho/lost-create-guard';
import { OrganizationProfiles } from './zoho/organization-profiles';

@Module({})
export class InvoiceSyncModule {
  static forRoot(config: InvoiceSyncConfig): DynamicModule {
    return {
      module: InvoiceSyncModule,
      imports: [PlatformModule.forRoot({ service: 'invoice-sync', config })],
      controllers: [OrderEventsHandler, ReplayHandler],
      providers: [ZohoClientFactory, SyncServiceReplays, AppliedOrderEvents, OrderSyncRepository, OrderSyncService, OlderDeadLetters, DeletedInvoices, OrderDryRun, InvoicePlanner, InFlightOrders, OrganizationProfiles, OrganizationCurrencies, ExchangeRates, LostCreateGuard, InvoiceContextResolver, RefundCreditRepository, RefundCreditsService, OrderPaymentRepository, OrderPaymentsService, OrderSyncMetrics],
    };
  }
}
