import { Column, CreateDateColumn, DeleteDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ConnectionStatus = 'active' | 'needs_reauthorization';

/** Per-connection behaviour a store owner can change; defaults live in `DEFAULT_CONNECTION_SETTINGS`. */
export interface ConnectionSettings {
  /** Order statuses that produce an invoice. */
  syncStatuses: string[];
  /** `zoho` lets Zoho number invoices; `order-number` uses the order number as the invoice number. */
  invoiceNumber: 'zoho' | 'order-number';
  invoiceNumberPrefix: string;
  /**
   * `draft` (the default): invoices are created as drafts, which post nothing to the books until
   * the owner sends them in Zoho. `sent`: each invoice is marked as sent once written, so sales
   * count in the books at once (never emailed: Connector does not write to customers).
   */
  invoiceStatus?: 'draft' | 'sent';
  /** IANA time zone of the store, for invoice dates. */
  storeTimeZone: string;
  /** Set on the connection `npm start` makes to the built-in sandbox (replaced on each start). */
  sandbox?: boolean;
  /**
   * The Slack-compatible incoming webhook (`POST {"text": …}`) told about failures. Its URL is a
   * credential (the token is in the path), so it is sealed like the others; only its host is kept
   * in clear, for display. Read the URL with ConnectionStore.alertWebhookUrl.
   */
  alertWebhook?: SealedAlertWebhook;
  /** The alert URL as rows kept it before it was sealed: still read, sealed by `rotate-keys`. */
  alertWebhookUrl?: string;
  /** Zoho Books API calls per day of the organization's plan (not reported by Zoho); alert at 90 %. */
  zohoDailyLimit?: number;
  /**
   * Refunds made before this moment (UTC, `YYYY-MM-DDTHH:MM:SS`) are not booked as credit notes.
   * Set on the connections that existed before Connector booked refunds: their earlier refunds
   * may already be in the books by hand, and a second credit note would count them twice.
   */
  refundsSince?: string;
  /**
   * Orders paid at or after this moment (UTC, `YYYY-MM-DDTHH:MM:SS`) get their payment booked in
   * Zoho as a customer payment applied to their invoice; absent, payments are not booked (the
   * owner records them, and invoices stay drafts). A moment, not a switch: orders paid before it
   * may already have their payment in the books by hand.
   */
  paymentsSince?: string;
  /** Zoho account the payments are deposited to; absent: Zoho's default. */
  paymentAccountId?: string;
  /** WooCommerce payment method id → Zoho payment mode, over the built-in guesses. */
  paymentModes?: Record<string, string>;
  /**
   * Orders without a billing email (phone, counter and admin-made orders): nothing identifies
   * their customer, so `walk-in` (the default) books them to one shared contact, and `fail` fails
   * them with the reason until the order has an email.
   */
  ordersWithoutEmail: 'walk-in' | 'fail';
  /** The shared contact's name in Zoho; in a currency other than the base one, "<name> (EUR)". */
  walkInContactName: string;
}

export interface SealedAlertWebhook {
  /** SecretBox ciphertext of the URL. */
  sealed: string;
  host: string;
}

export const DEFAULT_CONNECTION_SETTINGS: ConnectionSettings = {
  syncStatuses: ['processing', 'completed', 'on-hold'],
  invoiceNumber: 'zoho',
  invoiceNumberPrefix: '',
  storeTimeZone: 'UTC',
  ordersWithoutEmail: 'walk-in',
  walkInContactName: 'Walk-in customer',
};

/**
 * One store linked to one Zoho Books organization. Every credential column holds a SecretBox
 * ciphertext (AES-256-GCM, key id inside); a dump of this table shows no secret in clear.
 */
@Entity({ name: 'connections' })
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: 'active' })
  status: ConnectionStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'store_url', type: 'text' })
  storeUrl: string;

  /** Sealed `{ consumerKey, consumerSecret }`. */
  @Column({ name: 'woo_credentials', type: 'text' })
  wooCredentials: string;

  /** Sealed webhook secret used to verify X-WC-Webhook-Signature. */
  @Column({ name: 'webhook_secret', type: 'text' })
  webhookSecret: string;

  /** Sealed secret the webhooks were signed with before the last rotation, accepted until `previousWebhookSecretUntil`. */
  @Column({ name: 'previous_webhook_secret', type: 'text', nullable: true })
  previousWebhookSecret: string | null;

  @Column({ name: 'previous_webhook_secret_until', type: 'timestamptz', nullable: true })
  previousWebhookSecretUntil: Date | null;

  /**
   * The store's webhooks still sign with `previousWebhookSecret`: the last rotation could not
   * re-key them. A further rotation keeps that secret (the store's) as the previous one.
   */
  @Column({ name: 'store_signs_with_previous_secret', type: 'boolean', default: false })
  storeSignsWithPreviousSecret: boolean;

  @Column({ name: 'zoho_accounts_url', type: 'text' })
  zohoAccountsUrl: string;

  /** Sealed `{ clientId, clientSecret, refreshToken }`. */
  @Column({ name: 'zoho_credentials', type: 'text' })
  zohoCredentials: string;

  @Column({ name: 'zoho_organization_id', type: 'text', nullable: true })
  zohoOrganizationId: string | null;

  @Column({ name: 'zoho_api_domain', type: 'text', nullable: true })
  zohoApiDomain: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  settings: Partial<ConnectionSettings>;

  @Column({ name: 'last_ping', type: 'jsonb', nullable: true })
  lastPing: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' })
  deletedAt: Date | null;
}
