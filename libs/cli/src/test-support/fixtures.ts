import type { AuditEntry, ConnectionView, DeadLetter, OrderPayment, OrderView, PingReport, ProductLink, RefundCredit, SweepResult, ZohoUsage } from '../api-types';

/** Data the fake admin API starts with; each test server gets a fresh copy. */

export const ACME = '0f8fad5b-d9cb-469f-a165-70867728950e';
export const BETA = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
export const LETTER = '9b2f4c1e-3d5a-4e8b-a6c7-1f0e2d3c4b5a';

export const OK_PING: PingReport = {
  at: '2026-01-05T09:00:00.000Z',
  woocommerce: { ok: true, version: '9.4.2' },
  zoho: { ok: true, organization: { id: '20071234', name: 'Acme Ltd', currencyCode: 'EUR' } },
};

export const FAILED_PING: PingReport = {
  at: '2026-01-05T09:00:00.000Z',
  woocommerce: { ok: true, version: '9.4.2' },
  zoho: { ok: false, error: 'Zoho refused the refresh token (invalid_code); re-authorize the connection' },
};

export function connection(id: string, name: string, overrides: Partial<ConnectionView> = {}): ConnectionView {
  return {
    id,
    name,
    status: 'active',
    statusReason: null,
    webhookUrl: `http://127.0.0.1:3000/webhooks/woocommerce/${id}`,
    woocommerce: { url: 'https://shop.example.com' },
    zoho: { accountsUrl: 'https://accounts.zoho.eu', organizationId: '20071234', apiDomain: 'https://www.zohoapis.eu' },
    lastPing: OK_PING,
    settings: { syncStatuses: ['processing', 'completed', 'on-hold'], invoiceNumber: 'zoho', invoiceNumberPrefix: '', storeTimeZone: 'Europe/Berlin', zohoDailyLimit: 1000, alertWebhookHost: 'hooks.slack.com' },
    createdAt: '2026-01-01T08:00:00.000Z',
    updatedAt: '2026-01-05T09:00:00.000Z',
    ...overrides,
  };
}

export function order(orderId: number, overrides: Partial<OrderView> = {}): OrderView {
  return {
    orderId,
    orderNumber: String(orderId),
    orderStatus: 'processing',
    state: 'synced',
    reason: null,
    invoice: { id: `46000000000${orderId}`, number: `INV-00${orderId}`, status: 'sent' },
    contactId: '460000000001111',
    currency: 'EUR',
    orderTotal: '119.00',
    zohoTotal: '119.00',
    reconciled: true,
    adjustment: null,
    adjustmentReason: null,
    modifiedGmt: '2026-01-04T10:00:00',
    streamSeqs: [orderId - 1000],
    attempts: 1,
    updatedAt: '2026-01-04T10:00:05.000Z',
    ...overrides,
  };
}

export function initialState() {
  return {
    connections: [
      connection(ACME, 'Acme store'),
      connection(BETA, 'Beta shop', {
        status: 'needs_reauthorization', statusReason: 'Zoho revoked the refresh token', lastPing: FAILED_PING,
        zoho: { accountsUrl: 'https://accounts.zoho.eu', organizationId: '20075678', apiDomain: 'https://www.zohoapis.eu' },
      }),
    ],
    orders: {
      [ACME]: [
        order(1041),
        order(1042, {
          state: 'failed',
          reason: 'Zoho rejected the invoice: tax "VAT 19%" does not exist',
          invoice: null,
          zohoTotal: null,
          reconciled: false,
          streamSeqs: [42, 57],
          attempts: 3,
        }),
        order(1043, { zohoTotal: '118.99', reconciled: false, adjustment: '0.01', adjustmentReason: 'rounding' }),
      ],
      [BETA]: [],
    } as Record<string, OrderView[]>,
    audit: {
      '1042': [
        audit('1', 42, 'invoice-sync', 'received', 'ok', 'order.created', '2026-01-04T10:00:00.000Z'),
        audit('2', 42, 'invoice-sync', 'create-invoice', 'failed', 'tax "VAT 19%" does not exist', '2026-01-04T10:00:02.000Z'),
      ],
    } as Record<string, AuditEntry[]>,
    creditNotes: {
      '1043': [
        { refundId: 1050, state: 'credited', reason: 'invoice is draft in Zoho, which takes no credits', creditNote: { id: '460000000002001', number: 'CN-00001' }, invoiceId: '460000000001043', refundTotal: '11.90', zohoTotal: '11.90', reconciled: true, adjustment: '0.00', appliedAmount: '0.00', cashRefund: { id: '460000000004001', amount: '11.90' }, attempts: 1, updatedAt: '2026-01-05T09:00:00.000Z' },
      ],
    } as Record<string, RefundCredit[]>,
    payments: {
      '1043': { state: 'recorded', reason: null, paymentId: '460000000003001', invoiceId: '460000000001043', mode: 'creditcard', date: '2026-01-04', orderTotal: '119.00', zohoAmount: '119.00', reconciled: true, appliedAmount: '118.99', attempts: 1, updatedAt: '2026-01-04T10:00:03.000Z' },
    } as Record<string, OrderPayment>,
    usage: {
      [ACME]: ZOHO_COUNTED_USAGE,
      [BETA]: CALENDAR_DAY_USAGE,
    } as Record<string, ZohoUsage>,
    sweeps: {} as Record<string, SweepResult>,
    deadLetters: [
      {
        id: LETTER,
        consumer: 'invoice-sync',
        streamSeq: '57',
        subject: `woo.${ACME}.order.updated`,
        connectionId: ACME,
        reason: 'tax "VAT 19%" does not exist',
        errorClass: 'PermanentError',
        deliveries: 20,
        status: 'open',
        createdAt: '2026-01-04T11:00:00.000Z',
      },
    ] as DeadLetter[],
    products: {
      [ACME]: [
        { productId: 812, variationId: 0, sku: 'MUG-1', name: 'Mug', zohoItemId: '460000000026049', matchedBy: 'sku', pinned: false },
        { productId: 813, variationId: 815, sku: null, name: 'T-shirt (L)', zohoItemId: null, matchedBy: null, pinned: false },
      ],
    } as Record<string, ProductLink[]>,
  };
}

export type FakeState = ReturnType<typeof initialState>;

/** Acme's organization: Zoho's answers carry its count (X-Rate-Limit-*), so the quota is Zoho's. */
export const ZOHO_COUNTED_USAGE: ZohoUsage = {
  organizationId: '20071234',
  day: '2026-11-29',
  callsToday: 640,
  rejectedToday: 2,
  blockedUntil: null,
  dailyLimit: 1000,
  quota: { source: 'zoho', used: 612, limit: 1000, remaining: 388, resetsAt: '2026-11-30T05:00:00.000Z', period: '2026-11-30T05:00Z', readAt: '2026-11-29T09:59:58.000Z' },
};

/** An organization whose answers carry no count: Connector's own since midnight, against the limit the owner set. */
export const CALENDAR_DAY_USAGE: ZohoUsage = {
  organizationId: '20075678',
  day: '2026-11-29',
  callsToday: 1250,
  rejectedToday: 0,
  blockedUntil: null,
  dailyLimit: 2000,
  quota: { source: 'calendar-day', used: 1250, limit: null, remaining: null, resetsAt: '2026-11-30T00:00:00.000Z', period: '2026-11-29', readAt: null },
};

/** A manual sweep that found one refund not booked and repaired a disabled webhook. */
export function sweep(connectionId: string, overrides: Partial<SweepResult> = {}): SweepResult {
  return {
    connectionId,
    trigger: 'manual',
    ok: true,
    startedAt: '2026-11-29T10:00:00.000Z',
    finishedAt: '2026-11-29T10:00:04.000Z',
    orders: { examined: 40, published: 2, duplicates: 1, inStep: 37, checkpoint: '2026-11-29T09:59:55.000Z' },
    customers: { examined: 12, published: 0, duplicates: 0, inStep: 12, checkpoint: '2026-11-29T10:00:00.000Z' },
    credits: { awaiting: 3, published: 3, gone: 1 },
    refunds: { ran: true, examined: 1200, published: 1, duplicates: 0 },
    webhooks: {
      deliveryUrl: `http://127.0.0.1:3000/webhooks/woocommerce/${connectionId}`,
      healthy: true,
      repaired: true,
      problems: [{ topic: 'order.updated', kind: 'disabled', message: 'webhook 32 for order.updated is disabled' }],
    },
    ...overrides,
  };
}

function audit(id: string, seq: number, service: string, action: string, outcome: string, message: string, createdAt: string): AuditEntry {
  return { id, service, streamSeq: String(seq), resource: 'order', resourceId: '1042', action, outcome, message, createdAt };
}
