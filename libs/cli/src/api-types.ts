/**
 * The admin API's answers as the CLI reads them. These mirror the views in token-service's
 * controllers; they are restated rather than imported because a CLI must not pull in the server's
 * NestJS and TypeORM graph. Fields the CLI does not use are left out.
 */

export interface ConnectionView {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
  woocommerce: { url: string };
  zoho: { accountsUrl: string; organizationId: string | null; apiDomain: string | null };
  lastPing: PingReport | null;
  /** The connection's settings as stored (the alert URL only as `alertWebhookHost`). */
  settings?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface PingSide {
  ok: boolean;
  error?: string;
  [detail: string]: unknown;
}

export interface PingReport {
  at: string;
  woocommerce: PingSide;
  zoho: PingSide;
}

export interface WebhookRegistration {
  deliveryUrl: string;
  webhooks: Array<Record<string, unknown>>;
  /** Whether the store reached the gateway (its ping for each new webhook arrived); absent from an older token-service. */
  deliveryCheck?: { status: 'reached' | 'not-reached' | 'not-tested'; message: string };
}

export interface OrderView {
  orderId: number;
  orderNumber: string | null;
  orderStatus: string | null;
  state: string;
  reason: string | null;
  invoice: { id: string; number: string | null; status: string | null } | null;
  contactId: string | null;
  currency: string | null;
  /** The invoice's rate to the organization's base currency; null in the base currency (absent from older servers). */
  exchangeRate?: string | null;
  orderTotal: string | null;
  zohoTotal: string | null;
  reconciled: boolean;
  adjustment: string | null;
  adjustmentReason: string | null;
  modifiedGmt: string | null;
  streamSeqs: number[];
  attempts: number;
  /** When the invoice was found deleted in Zoho (the order waits for a rebook); absent from older servers. */
  invoiceDeletedAt?: string | null;
  updatedAt: string;
}

export interface AuditEntry {
  id: string;
  service: string;
  streamSeq: string | null;
  resource: string;
  resourceId: string | null;
  action: string;
  outcome: string;
  message: string | null;
  createdAt: string;
}

export interface DeadLetter {
  id: string;
  consumer: string;
  streamSeq: string;
  subject: string;
  connectionId: string | null;
  reason: string;
  errorClass: string;
  deliveries: number;
  status: string;
  createdAt: string;
  /** The stream sequence of the copy a retry sent, once sent. */
  retrySeq?: string | null;
  /** The newer dead letter of a retried copy that failed again (status `superseded`). */
  supersededBy?: string | null;
  dismissedReason?: string | null;
}

export interface OrderDetail extends OrderView {
  /** The order's payment as booked in Zoho (absent from older servers; null when none is booked). */
  payment?: OrderPayment | null;
  /** The order's refunds and the Zoho credit notes that book them (absent from older servers). */
  creditNotes?: RefundCredit[];
  audit: AuditEntry[];
  deadLetters: DeadLetter[];
}

export interface OrderPayment {
  state: string;
  reason: string | null;
  paymentId: string | null;
  invoiceId: string | null;
  mode: string | null;
  date: string | null;
  orderTotal: string | null;
  zohoAmount: string | null;
  reconciled: boolean;
  appliedAmount: string | null;
  /** The payment's exchange rate; null in the base currency (absent from older servers). */
  exchangeRate?: string | null;
  attempts: number;
  updatedAt: string;
}

export interface RefundCredit {
  refundId: number;
  state: string;
  reason: string | null;
  creditNote: { id: string; number: string | null } | null;
  invoiceId: string | null;
  refundTotal: string | null;
  zohoTotal: string | null;
  reconciled: boolean;
  adjustment: string | null;
  appliedAmount: string | null;
  /** The credit note's exchange rate; null in the base currency (absent from older servers). */
  exchangeRate?: string | null;
  /** Money given back out of the credit note (absent from older servers). */
  cashRefund?: { id: string; amount: string | null } | null;
  attempts: number;
  updatedAt: string;
}

/** A retry appends a copy of an event to the audit stream; both sequences are reported. */
export interface Republished {
  originalSeq: number;
  seq: number;
}

export interface RetryAllResult {
  retried: number;
  events: Republished[];
  /** Events that could not be sent again (their letters stay open), and the first of them. */
  failed: number;
  failures: Array<{ streamSeq: number; reason: string }>;
}

export interface ProductLink {
  productId: number;
  variationId: number;
  sku: string | null;
  name: string | null;
  zohoItemId: string | null;
  matchedBy: string | null;
  pinned: boolean;
}

export interface PinResult {
  productId: number;
  variationId: number;
  zohoItemId: string;
  pinned: true;
}

export interface CatalogSyncResult {
  products: number;
  matched: number;
  unmatched: number;
}

/** Progress of a replay or backfill; `failures` is a count or the list of failed events. */
export interface JobProgress {
  processed: number;
  total: number | null;
  done: boolean;
  failures: number | unknown[];
  /** `failed` when a part of the job could not run at all (e.g. a service was down). */
  status?: string;
  errors?: string[];
  /** Dry runs: the writes that would be made. */
  plannedCount?: number;
}

/** One pass of a sweep over orders or customers changed since the checkpoint. */
export interface ResourceSweep {
  examined: number;
  published: number;
  /** Lacking snapshots the audit stream already held. */
  duplicates: number;
  inStep: number;
  checkpoint: string;
  error?: string;
}

/** The pass over credit notes waiting for their draft invoice to be sent in Zoho. */
export interface CreditSweep {
  awaiting: number;
  published: number;
  gone: number;
  error?: string;
}

/** The pass over recent orders' refunds (daily on schedule, always on a manual sweep). */
export interface RefundSweep {
  /** False when it was not due. */
  ran: boolean;
  examined: number;
  published: number;
  duplicates: number;
  error?: string;
}

export interface WebhookSweep {
  deliveryUrl: string;
  healthy: boolean;
  repaired: boolean;
  problems: Array<{ topic: string; kind: string; message: string }>;
  error?: string;
}

/** `POST /api/connections/:id/reconcile`: the body of its 200, and of its 502 when the store failed part-way. */
export interface SweepResult {
  connectionId: string;
  trigger: string;
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  orders: ResourceSweep;
  customers: ResourceSweep;
  credits: CreditSweep;
  /** Absent from token-services before the refund pass. */
  refunds?: RefundSweep;
  webhooks: WebhookSweep;
}

/** The organization's daily Zoho quota: Zoho's own count when its responses carry it, else Connector's since midnight. */
export interface ZohoQuota {
  source: 'zoho' | 'calendar-day';
  used: number;
  /** Null for the calendar-day count (Zoho has not said). */
  limit: number | null;
  remaining: number | null;
  resetsAt: string;
  period: string;
  readAt: string | null;
}

/** `GET /api/connections/:id/usage`. */
export interface ZohoUsage {
  organizationId: string | null;
  day: string;
  callsToday: number;
  rejectedToday: number;
  blockedUntil: string | null;
  /** Zoho's reported limit, else `settings.zohoDailyLimit`, else null. */
  dailyLimit: number | null;
  /** Null until the connection has an organization; absent from older token-services. */
  quota?: ZohoQuota | null;
}
