import { Injectable } from '@nestjs/common';
import { buildInvoice, InvoicePlan, ZohoInvoicePayload } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';
import type { InboundEvent } from '@connector/messaging';
import type { ConnectionEntity } from '@connector/persistence';
import type { ZohoBooksClient, ZohoInvoice } from '@connector/zoho-books';
import { LostCreateGuard } from '../zoho/lost-create-guard';
import { InvoiceContextResolver, PlannedCreation } from './invoice-context.resolver';
import { foundDeleted, referencedRecords, RefusedRecordsCheck } from './refused-records';

/** What the live run and the dry run both need to plan an order's invoice and find it in Zoho. */
@Injectable()
export class InvoicePlanner {
  constructor(
    private readonly contexts: InvoiceContextResolver,
    private readonly lostCreates: LostCreateGuard,
  ) {}

  /**
   * Resolves contact, items and taxes, then maps the order to an invoice (pure domain code). With
   * `lookUpOnly` (dry run) the contact and items are only looked up; those the live run would
   * create are listed in `creations` and stand in the payload as placeholders.
   */
  async plan(
    connection: ConnectionEntity, order: WooOrder, zoho: ZohoBooksClient, event: InboundEvent, lookUpOnly?: { creations: PlannedCreation[] },
  ): Promise<InvoicePlan> {
    const { context } = await this.contexts.resolve(connection, order, zoho, event, { lookUpOnly });
    return buildInvoice(order, context);
  }

  /**
   * After Zoho refused the invoice of `refused`: what Zoho says of the contact and items it refers
   * to (customer-sync and catalog-sync ask, one call each), and, when one was deleted in Zoho, the
   * plan again with it matched afresh (found by email, SKU or name, or created).
   */
  async checkRefused(
    connection: ConnectionEntity, order: WooOrder, zoho: ZohoBooksClient, event: InboundEvent, refused: InvoicePlan,
  ): Promise<{ check: RefusedRecordsCheck; plan?: InvoicePlan }> {
    const { context, refusedCheck } = await this.contexts.resolve(connection, order, zoho, event, { refused: referencedRecords(refused.payload) });
    const check = refusedCheck ?? { items: [] };
    return foundDeleted(check) ? { check, plan: buildInvoice(order, context) } : { check };
  }

  /**
   * The invoice a create call claimed at `claimedAt` made and whose response was lost: found by the
   * order's reference number, among those Zoho made since the claim that no record holds
   * (LostCreateGuard), one not void first.
   */
  async findLostCreate(zoho: ZohoBooksClient, reference: string | undefined, claimedAt: Date | null): Promise<ZohoInvoice | undefined> {
    if (!reference) return undefined;
    const found = await zoho.findInvoicesByReference(reference);
    const ours = await this.lostCreates.adoptable('invoice', found, (invoice) => ({ id: invoice.invoice_id, createdTime: invoice.created_time }), claimedAt);
    return ours.find((invoice) => invoice.status !== 'void') ?? ours[0];
  }
}

/**
 * What an update of the invoice sends, and what its hash covers: everything but the exchange rate
 * and the number, which an invoice keeps from its creation.
 * - The rate: the organization's rates of a past day can still change (a feed filling in the
 *   day's rate later), and re-rating a booked, maybe paid, invoice on a status change would move
 *   its base-currency amounts behind the owner's back.
 * - The number: an issued invoice's number is part of the books' sequence. A change of
 *   settings.invoiceNumber or its prefix applies to new invoices; renumbering old ones on their next
 *   edit would break the sequence (and Zoho refuses a number without ignore_auto_number_generation).
 */
export function invoiceUpdate(payload: ZohoInvoicePayload): ZohoInvoicePayload {
  const { exchange_rate: _rate, invoice_number: _number, ...rest } = payload;
  return rest;
}

/** ` EUR at 0.8567` for an invoice in a foreign currency (one with an exchange rate other than 1), else nothing. */
export function currencyAndRate(order: WooOrder, rate: number | undefined): string {
  return rate === undefined || rate === 1 ? '' : ` ${order.currency} at ${rate}`;
}
