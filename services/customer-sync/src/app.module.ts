import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyedAdvisoryLocks } from '@connector/persistence';
import { decisionAuditProvider, OrganizationCurrencies, PlatformModule, SyncServiceReplays, ZohoClientFactory } from '@connector/platform';
import { ContactLinksRepository } from './contacts/contact-links.repository';
import { ContactResolverService } from './contacts/contact-resolver.service';
import { WalkInContacts } from './contacts/walk-in-contacts';
import { ContactSyncService } from './contacts/contact-sync.service';
import { CustomerEventsHandler } from './contacts/customer-events.handler';
import { EnsureContactHandler } from './contacts/ensure-contact.handler';
import { ReleasedEmails } from './contacts/released-emails';
import { ContactReplayPreview } from './contacts/replay-contact-preview';
import { ReplayHandler } from './contacts/replay.handler';
import { ZohoContacts } from './contacts/zoho-contacts';
import { CustomerSyncConfig } from './customer-sync.config';

@Module({})
export class CustomerSyncModule {
  static forRoot(config: CustomerSyncConfig): DynamicModule {
    return {
      module: CustomerSyncModule,
      imports: [PlatformModule.forRoot({ service: 'customer-sync', config })],
      controllers: [CustomerEventsHandler, EnsureContactHandler, ReplayHandler],
      providers: [
        ZohoClientFactory,
        SyncServiceReplays,
        ContactLinksRepository,
        {
          provide: KeyedAdvisoryLocks,
          useFactory: (dataSource: DataSource) =>
            new KeyedAdvisoryLocks(dataSource, { concurrency: config.CONTACT_RESOLVE_CONCURRENCY, waitMs: config.CONTACT_LOCK_WAIT_MS }),
          inject: [DataSource],
        },
        decisionAuditProvider('customer'),
        ZohoContacts,
        ReleasedEmails,
        OrganizationCurrencies,
        ContactSyncService,
        WalkInContacts,
        ContactResolverService,
        ContactReplayPreview,
      ],
    };
  }
}
