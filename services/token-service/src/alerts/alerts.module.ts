import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { AlertCauses } from './alert-causes';
import { AlertNotifier } from './alert-notifier';
import { AlertPoller } from './alert-poller';
import { AlertSender } from './alert-sender';

/**
 * Alerts to each connection's notification webhook. Global so the reconciliation sweep (and any
 * later feature) can raise alerts through `AlertNotifier` without importing this module.
 */
@Module({})
export class AlertsModule {
  static forRoot(config: TokenServiceConfig): DynamicModule {
    return {
      module: AlertsModule,
      global: true,
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: AlertCauses, useFactory: (dataSource: DataSource) => new AlertCauses(dataSource), inject: [DataSource] },
        AlertSender,
        AlertNotifier,
        AlertPoller,
      ],
      exports: [AlertNotifier],
    };
  }
}
