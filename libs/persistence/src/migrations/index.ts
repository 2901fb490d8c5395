import { Platform1764000000000 } from './1764000000000-platform';
import { Sync1764100000000 } from './1764100000000-sync';
import { Replays1764200000000 } from './1764200000000-replays';
import { Reconciliation1764300000000 } from './1764300000000-reconciliation';
import { OrderBodyDigest1764400000000 } from './1764400000000-order-body-digest';
import { RefundCredits1764500000000 } from './1764500000000-refund-credits';
import { InvoicePayloadHash1764600000000 } from './1764600000000-invoice-payload-hash';
import { RefundCreditAlerts1764700000000 } from './1764700000000-refund-credit-alerts';
import { RefundsSince1764800000000 } from './1764800000000-refunds-since';
import { OrderPayments1764900000000 } from './1764900000000-order-payments';
import { RefundCashOut1765000000000 } from './1765000000000-refund-cash-out';
import { ContactCurrency1765100000000 } from './1765100000000-contact-currency';
import { DocumentExchangeRates1765200000000 } from './1765200000000-document-exchange-rates';
import { UnsentInvoiceAlerts1765300000000 } from './1765300000000-unsent-invoice-alerts';
import { CreateClaims1765400000000 } from './1765400000000-create-claims';
import { WebhookSecretRotation1765500000000 } from './1765500000000-webhook-secret-rotation';
import { InvoiceDeletedInZoho1765600000000 } from './1765600000000-invoice-deleted-in-zoho';
import { ZohoTokenRefusedFresh1765700000000 } from './1765700000000-zoho-token-refused-fresh';
import { ConnectionLifecycle1765800000000 } from './1765800000000-connection-lifecycle';
import { DeadLetterOutcomes1765900000000 } from './1765900000000-dead-letter-outcomes';
import { ItemLinksSkuCase1766000000000 } from './1766000000000-item-links-sku-case';
import { ZohoTokenRefreshBlocked1766100000000 } from './1766100000000-zoho-token-refresh-blocked';
import { EventRetries1766200000000 } from './1766200000000-event-retries';
import { CreateSentAt1766210000000 } from './1766210000000-create-sent-at';
import { DeadLetterRetryFor1766220000000 } from './1766220000000-dead-letter-retry-for';
import { ZohoQuotaReadings1766400000000 } from './1766400000000-zoho-quota-readings';

/** Every migration, in order. Production never uses `synchronize`; schema changes are reviewed here. */
export const MIGRATIONS = [Platform1764000000000, Sync1764100000000, Replays1764200000000, Reconciliation1764300000000, OrderBodyDigest1764400000000, RefundCredits1764500000000, InvoicePayloadHash1764600000000, RefundCreditAlerts1764700000000, RefundsSince1764800000000, OrderPayments1764900000000, RefundCashOut1765000000000, ContactCurrency1765100000000, DocumentExchangeRates1765200000000, UnsentInvoiceAlerts1765300000000, CreateClaims1765400000000, WebhookSecretRotation1765500000000, InvoiceDeletedInZoho1765600000000, ZohoTokenRefusedFresh1765700000000, ConnectionLifecycle1765800000000, DeadLetterOutcomes1765900000000, ItemLinksSkuCase1766000000000, ZohoTokenRefreshBlocked1766100000000, EventRetries1766200000000, CreateSentAt1766210000000, DeadLetterRetryFor1766220000000, ZohoQuotaReadings1766400000000];
