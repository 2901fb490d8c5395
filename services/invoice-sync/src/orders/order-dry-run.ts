import { Injectable } from '@nestjs/common';
import { canonicalHash, Decimal, ExistingInvoiceLink, isStaleSnapshot, orderContentHash, paymentIsBooked } from '@connector/accounting';
import { PermanentError, ReauthorizationRequiredError } from '@connector/common';
import { describeOrderShapeProblem, isWooErrorBody, WooOrder } from '@connector/contracts';
import { InboundEvent, ReplayDryRun } from '@connector/messaging';
import { StoreClients, ZohoCallLog, ZohoClientFactory } from '@connector/platform';
import { AuditTrail, ConnectionEntity, connectionSettings, ConnectionStore, OrderSyncEntity } from '@connector/persistence';
import type { ZohoBooksClient } from '@connector/zoho-books';
import { InvoiceDeletedInZohoError } from './deleted-invoice';
import { decideOnLink, existingLink } from './existing-link';
import { FOLLOW_UPS } from './follow-ups';
import { PlannedCreation } from './invoice-context.resolver';
import { currencyAndRate, InvoicePlanner, invoiceUpdate } from './invoice-planner';
import { orderAuditEntry } from './order-audit-entry';
import { orderKey } from './order-key';
import { OrderSyncRepository } from './order-sync.repository';
import { RecordedSnapshot, sameSecondStaleness } from './same-second-snapshots';
import { OrderPaymentsService } from '../payments/order-payments.service';
import { PLANNED_INVOICE, plannedMarkKey } from '../refunds/dry-run-keys';
import type { InvoiceInDryRun, PlannedWrite } from '../refunds/refund-dry-run';
import { RefundCreditsService, RefundPreviewContext } from '../refunds/refund-credits.service';

/**
 * A replay's dry run of an order event: the live path's decision and invoice plan, and the
 * follow-ups the live run would make (mark, payment, credit notes), listed in the replay and the
 * audit trail (outcome `dry-run`) instead of written. Earlier events of the same dry run count:
 * what they would have made of the order is kept in `dryRun.simulated`.
 */
@Injectable()
export class OrderDryRun {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly records: OrderSyncRepository,
    private readonly audit: AuditTrail,
    private readonly zohoClients: ZohoClientFactory,
    private readonly planner: InvoicePlanner,
    private readonly refunds: RefundCreditsService,
    private readonly payments: OrderPaymentsService,
    private readonly stores: StoreClients,
  ) {}

  /**
   * Replay dry run: the live path's decision and invoice plan, reported (in the replay and the
   * audit trail) instead of written. Only reads: the order's record, or what an earlier event of
   * this dry run would have made of it; contact and item look-ups that never create; Zoho GETs.
   */
  async preview(event: InboundEvent, dryRun: ReplayDryRun): Promise<void> {
    const connection = await this.connections.find(event.connectionId);
    if (!connection || event.event === 'deleted' || isWooErrorBody(event.body)) return;
    const problem = describeOrderShapeProblem(event.body);
    if (problem) throw new PermanentError(`the delivery is not a WooCommerce order: ${problem}`);
    const order = event.body as WooOrder;
    const key = orderKey(connection.id, order.id);
    const record = await this.records.find(connection.id, order.id);
    const simulated = dryRun.simulated.get(key) as ExistingInvoiceLink | undefined;
    const existing = simulated ?? (record ? existingLink(record) : undefined);
    // As the live run: a same-second snapshot that is not the store's current one changes nothing.
    const recorded: RecordedSnapshot | undefined = simulated ? { modifiedGmt: simulated.lastModifiedGmt, contentHash: simulated.lastContentHash } : (record ?? undefined);
    if (await sameSecondStaleness(order, recorded, () => this.stores.forConnection(connection).getOrder(order.id))) return;
    await this.previewInvoice(event, dryRun, connection, order, record, existing);
    // As the live run: an invoice deleted in Zoho takes no payment or credit note (nor their voids).
    if (isStaleSnapshot(order, existing) || record?.invoiceDeletedAt) return;
    // The payment and refunds as the invoice stands after this event (planned above, or as it was).
    const after = dryRun.simulated.get(key) as ExistingInvoiceLink | undefined;
    const reinstated = record?.state === 'voided' && after?.state === 'synced';
    const invoice = {
      invoiceId: after?.invoiceId ?? record?.invoiceId ?? undefined,
      // As the live follow-ups judge it: voided by Connector, or seen void in Zoho.
      void: after ? after.state === 'voided' || after.invoiceStatus === 'void' : record?.state === 'voided' || record?.invoiceStatus === 'void',
      status: after?.invoiceStatus ?? record?.invoiceStatus,
      reinstated,
    };
    // One Zoho client for the follow-ups' reads, made only when one is needed.
    let client: Promise<ZohoBooksClient> | undefined;
    const context: RefundPreviewContext = {
      seen: dryRun.simulated,
      zoho: () => (client ??= this.zohoClients.forConnection(connection.id)),
      event,
      contactId: record?.contactId ?? null,
      listCreations: (creations) => newRecords(connection, order, creations, dryRun.simulated),
    };
    // In the live run's order: each step sees what the ones before it would have done (dryRun.simulated).
    const writes = [
      ...(await this.previewSend(connection, order, record, invoice, context)),
      ...(await this.payments.preview(connection, order, invoice, dryRun.simulated, context.zoho)),
      ...(await this.refunds.preview(connection, order, invoice, context)),
    ];
    for (const write of writes) await this.planned(event, dryRun, String(order.id), write);
  }

  private async previewInvoice(
    event: InboundEvent, dryRun: ReplayDryRun, connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity | null, existing: ExistingInvoiceLink | undefined,
  ): Promise<void> {
    const key = orderKey(connection.id, order.id);
    const decision = decideOnLink(order, existing, connectionSettings(connection).syncStatuses);
    if (decision.action === 'skip') return;
    if (connection.status === 'needs_reauthorization') {
      throw new ReauthorizationRequiredError(`waiting for Zoho re-authorization of connection ${connection.id}`, { retryAfterMs: 60_000 });
    }
    const applied = { lastModifiedGmt: order.date_modified_gmt ?? undefined, lastContentHash: orderContentHash(order) };
    if (record?.invoiceDeletedAt && existing?.invoiceId === record.invoiceId) {
      // As the live run: nothing is written for an invoice the owner deleted in Zoho.
      if (decision.action !== 'void') throw new InvoiceDeletedInZohoError(record);
      dryRun.simulated.set(key, { ...existing, ...applied, state: 'voided', invoiceStatus: 'void' } satisfies ExistingInvoiceLink);
      return;
    }
    const invoiceName = (id: string | undefined) => (id?.startsWith(PLANNED_INVOICE) ? 'the invoice planned above' : `invoice ${record?.invoiceNumber ?? id}`);
    if (decision.action === 'void') {
      dryRun.simulated.set(key, { ...existing, ...applied, state: 'voided', invoiceStatus: 'void' } satisfies ExistingInvoiceLink);
      return this.planned(event, dryRun, String(order.id), { action: 'void-invoice', message: `would void ${invoiceName(existing?.invoiceId)}: ${decision.reason}` });
    }
    const calls = new ZohoCallLog();
    const zoho = await this.zohoClients.forConnection(connection.id, calls.record);
    const creations: PlannedCreation[] = [];
    const plan = await this.planner.plan(connection, order, zoho, event, { creations });
    const recovered = !existing?.invoiceId && record?.createClaimedAt ? await this.planner.findLostCreate(zoho, plan.payload.reference_number, record.createClaimedAt) : undefined;
    const invoiceId = existing?.invoiceId ?? recovered?.invoice_id;
    const reinstating = decision.action === 'reinstate';
    if (!recovered && !reinstating && invoiceId === record?.invoiceId && record?.invoiceHash === canonicalHash(invoiceUpdate(plan.payload))) {
      // The live run would write nothing: the invoice already shows this snapshot.
      dryRun.simulated.set(key, { ...existing, ...applied, state: 'synced' } satisfies ExistingInvoiceLink);
      return;
    }
    for (const write of newRecords(connection, order, creations, dryRun.simulated)) await this.planned(event, dryRun, String(order.id), write);
    const status = reinstating ? { invoiceStatus: 'draft' } : {};
    dryRun.simulated.set(key, { ...existing, ...applied, ...status, invoiceId: invoiceId ?? `${PLANNED_INVOICE}${order.id}`, state: 'synced' } satisfies ExistingInvoiceLink);
    const what = `for order ${order.number ?? order.id}: total ${plan.orderTotal}${currencyAndRate(order, plan.payload.exchange_rate)}${Decimal.from(plan.adjustment).isZero() ? '' : `, adjustment ${plan.adjustment}`}`;
    let action = 'create-invoice';
    let message = `would create an invoice ${what}`;
    if (recovered) {
      action = 'recover-invoice';
      message = `would adopt invoice ${recovered.invoice_number ?? recovered.invoice_id} (created earlier, its response lost) and update it ${what}`;
    } else if (reinstating) {
      action = 'reinstate-invoice';
      message = `would reopen ${invoiceName(invoiceId)} (void) as a draft and update it ${what}, and credit its refunds anew`;
    } else if (invoiceId) {
      action = 'update-invoice';
      message = `would update ${invoiceName(invoiceId)} ${what}`;
    }
    await this.planned(event, dryRun, String(order.id), { action, message, payload: plan.payload }, { decision: decision.reason, warnings: plan.warnings, zohoCalls: calls.calls });
    if ((action !== 'update-invoice' && action !== 'reinstate-invoice') || invoiceId !== record?.invoiceId) return;
    for (const write of await this.payments.previewReapplication(connection, order, invoiceId!, plan.orderTotal)) await this.planned(event, dryRun, String(order.id), write);
  }

  /** One write the dry run found: listed in the replay and in the audit trail (outcome `dry-run`). */
  private async planned(event: InboundEvent, dryRun: ReplayDryRun, orderId: string, write: { action: string; message: string; payload?: unknown }, detail: Record<string, unknown> = {}): Promise<void> {
    dryRun.plan({ resource: 'order', resourceId: orderId, ...write });
    await this.audit.record(orderAuditEntry(event, orderId, { action: write.action, outcome: 'dry-run', message: write.message, detail: { ...detail, replayId: dryRun.replayId, payload: write.payload } }));
  }

  /**
   * Replay dry run: sendIfDraft's mark (and the open credits it applies), for an invoice this dry
   * run plans to create or one the record shows as a draft; listed once per dry run.
   */
  private async previewSend(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity | null, invoice: InvoiceInDryRun, context: RefundPreviewContext,
  ): Promise<PlannedWrite[]> {
    const seen = context.seen;
    const settings = connectionSettings(connection);
    if (settings.invoiceStatus !== 'sent' || paymentIsBooked(order, settings.paymentsSince) || !invoice.invoiceId || invoice.void) return [];
    const planned = invoice.invoiceId.startsWith(PLANNED_INVOICE);
    const key = plannedMarkKey(connection.id, order.id);
    if ((!planned && invoice.status !== 'draft') || seen.has(key)) return [];
    seen.set(key, true);
    const name = planned ? 'the invoice planned above' : `invoice ${record?.invoiceNumber ?? invoice.invoiceId}`;
    // A sent invoice takes the credits its refunds left open (applyOpenCredits); a new one has none.
    const credits = planned ? [] : await this.refunds.preview(connection, order, { ...invoice, status: 'sent' }, context, { markedSent: true });
    return [{ action: FOLLOW_UPS.send.action, message: `would mark ${name} as sent (settings.invoiceStatus)` }, ...credits];
  }
}

/** The contacts and items look-ups would create (or move to the order's currency), each listed once per dry run. */
function newRecords(connection: ConnectionEntity, order: WooOrder, creations: readonly PlannedCreation[], seen: Map<string, unknown>): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  for (const creation of creations) {
    const key = `new-${creation.kind}:${connection.id}:${creation.key}`;
    if (seen.has(key)) continue;
    seen.set(key, true);
    writes.push(plannedCreation(creation, order));
  }
  return writes;
}

/** How a dry run lists a contact or item the live run would create, or a contact it would move to the order's currency. */
function plannedCreation(creation: PlannedCreation, order: WooOrder): { action: string; message: string; payload: unknown } {
  const forOrder = `for order ${order.number ?? order.id}`;
  if (creation.kind === 'contact-currency') {
    const { from, to } = creation.payload as { from: string; to: string };
    return {
      action: 'change-contact-currency',
      message: `would change the currency of Zoho contact "${creation.name}" from ${from} to ${to} ${forOrder} (Zoho refuses once the contact has transactions: the customer's ${to} contact is then used, or the order fails with what to do)`,
      payload: creation.payload,
    };
  }
  return { action: `create-${creation.kind}`, message: `would create Zoho ${creation.kind} "${creation.name}" ${forOrder}`, payload: creation.payload };
}
