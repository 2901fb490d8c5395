import { Logger, Module } from '@nestjs/common';
import { join } from 'node:path';
import { DashboardAssets } from './dashboard-assets';
import { DashboardController } from './dashboard.controller';

/**
 * `services/token-service/dashboard-ui`, the same two levels up from `src/dashboard` (ts-node,
 * tests) and from `dist/dashboard` (the build), so no copy step is needed.
 */
export const DASHBOARD_DIRECTORY = join(__dirname, '..', '..', 'dashboard-ui');

/**
 * The operator dashboard at `/`. Import it into the token-service module; it needs nothing from
 * the rest of the app (the page calls the admin API over HTTP like any other client).
 */
@Module({
  controllers: [DashboardController],
  providers: [
    {
      provide: DashboardAssets,
      useFactory: () => {
        const assets = new DashboardAssets(DASHBOARD_DIRECTORY);
        // A missing UI must not take the token service down: sync services depend on it for Zoho tokens.
        if (!assets.page) new Logger('DashboardModule').warn(`dashboard files not found in ${DASHBOARD_DIRECTORY}; / answers 503`);
        return assets;
      },
    },
  ],
})
export class DashboardModule {}
