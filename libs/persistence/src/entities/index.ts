import { AuditEntryEntity } from './audit-entry.entity';
import { ConnectionEntity } from './connection.entity';
import { DeadLetterEntity } from './dead-letter.entity';
import { ZohoTokenEntity } from './zoho-token.entity';
import { OrderSyncEntity } from './order-sync.entity';
import { ContactLinkEntity } from './contact-link.entity';
import { ItemLinkEntity } from './item-link.entity';
import { ReplayEntity } from './replay.entity';
import { ReconcileCheckpointEntity } from './reconcile-checkpoint.entity';
import { BackfillJobEntity } from './backfill-job.entity';
import { RefundCreditEntity } from './refund-credit.entity';
import { OrderPaymentEntity } from './order-payment.entity';

export * from './audit-entry.entity';
export * from './connection.entity';
export * from './dead-letter.entity';
export * from './zoho-token.entity';
export * from './order-sync.entity';
export * from './contact-link.entity';
export * from './item-link.entity';
export * from './replay.entity';
export * from './reconcile-checkpoint.entity';
export * from './backfill-job.entity';
export * from './refund-credit.entity';
export * from './order-payment.entity';

export const ENTITIES = [ConnectionEntity, ZohoTokenEntity, DeadLetterEntity, AuditEntryEntity, OrderSyncEntity, ContactLinkEntity, ItemLinkEntity, ReplayEntity, ReconcileCheckpointEntity, BackfillJobEntity, RefundCreditEntity, OrderPaymentEntity];
