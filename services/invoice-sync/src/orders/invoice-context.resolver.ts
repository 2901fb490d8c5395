import { Injectable } from '@nestjs/common';
import { InvoiceContext, invoiceDate, mapOrderTaxes } from '@connector/accounting';
import { PermanentError } from '@connector/common';
import { EnsureContactReply, EnsureContactRequest, EnsureItemsReply, EnsureItemsRequest, ItemRequestLine, RPC, WooOrder } from '@connector/contracts';
import type { RefusedRecords, RefusedRecordsCheck } from './refused-records';
import { InboundEvent, NatsRpcClient } from '@connector/messaging';
import { ConnectionEntity, connectionSettings } from '@connector/persistence';
import type { ZohoBooksClient } from '@connector/zoho-books';
import { ExchangeRates } from '../zoho/exchange-rates';
import { OrganizationProfiles } from '../zoho/organization-profiles';
import { FEE_KEY, itemRequestLines, lineKey, SHIPPING_KEY } from './order-lines';

/** A Zoho write a dry run lists: a contact or item to create, or a contact to move to the order's currency. */
export interface PlannedCreation {
  kind: 'contact' | 'item' | 'contact-currency';
  /** Identity within the connection, so the dry run lists each creation once. */
  key: string;
  name: string;
  payload: unknown;
}

export interface ResolveOptions {
  /** The Zoho contact to bill (a credit note's is its invoice's); looked up or created by customer-sync when absent. */
  contactId?: string | null;
  /** Items the document needs besides the order's own lines (a credit note's refund item). */
  extraItemLines?: ItemRequestLine[];
  /**
   * Dry run: contact and items are only looked up; those the live run would create are listed
   * here and stand in the context as placeholders.
   */
  lookUpOnly?: { creations: PlannedCreation[] };
  /**
   * Zoho refused a document that referred to these records: customer-sync and catalog-sync ask
   * Zoho whether each still exists and match one deleted there afresh (RefusedRecords).
   */
  refused?: RefusedRecords;
}

export interface ResolvedContext {
  context: InvoiceContext;
  /** The Zoho item id answered for an item request key (e.g. an extra line's). */
  itemId(key: string): string;
  /** With `refused`: what Zoho said of each refused record. */
  refusedCheck?: RefusedRecordsCheck;
}

/**
 * What the domain needs to map an order-shaped document to Zoho: the contact (customer-sync), the
 * items (catalog-sync), the organization's taxes and price precision (cached), and the
 * connection's settings, and the exchange rate when the store's currency is not the books' base
 * currency. Shared by invoices and credit notes, so both bill the same contact, items
 * and taxes.
 */
@Injectable()
export class InvoiceContextResolver {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly profiles: OrganizationProfiles,
    private readonly exchangeRates: ExchangeRates,
  ) {}

  async resolve(connection: ConnectionEntity, order: WooOrder, zoho: ZohoBooksClient, event: InboundEvent, options: ResolveOptions = {}): Promise<ResolvedContext> {
    const settings = connectionSettings(connection);
    const lookUpOnly = options.lookUpOnly;
    const dryRun = lookUpOnly ? { dryRun: true } : {};
    const refused = options.refused;
    const contact = options.contactId
      ? { contactId: options.contactId }
      : await this.ensureContact(connection, order, event, { ...dryRun, ...(refused ? { refusedContactId: refused.contactId } : {}) }, lookUpOnly);
    const lines = [...itemRequestLines(order), ...(options.extraItemLines ?? [])];
    const items = await this.rpc.call<EnsureItemsReply>(RPC.ensureItems, {
      connectionId: connection.id,
      lines,
      correlationId: event.correlationId,
      ...dryRun,
      ...(refused ? { refusedItemIds: refused.itemIds } : {}),
    } satisfies EnsureItemsRequest);
    const itemId = (key: string) => {
      const found = items.items[key];
      if (!found) throw new PermanentError(`catalog-sync returned no Zoho item for ${key}`);
      if (!found.wouldCreate) return found.itemId;
      const line = lines.find((l) => l.key === key);
      lookUpOnly?.creations.push({ kind: 'item', key: found.name ?? key, name: found.name ?? key, payload: line });
      return `(new item "${found.name ?? key}")`;
    };
    const organizationId = connection.zohoOrganizationId ?? '';
    let profile = await this.profiles.get(connection.id, organizationId, zoho);
    let taxes = mapOrderTaxes(order, profile.taxes);
    if (taxes.unmatched.length > 0 && !this.profiles.isFresh(connection.id, 10_000)) {
      // The owner may just have added the missing tax in Zoho: look once more before failing.
      profile = await this.profiles.get(connection.id, organizationId, zoho, { refresh: true });
      taxes = mapOrderTaxes(order, profile.taxes);
    }
    taxes.assertComplete();
    // A credit note's order-shaped refund carries the refund's date, so it is booked at that day's rate.
    const exchangeRate = await this.exchangeRates.rateFor(connection, zoho, order.currency, invoiceDate(order, settings.storeTimeZone));
    return {
      itemId,
      ...(refused ? { refusedCheck: { contact: contact.refused, items: items.refused ?? [] } } : {}),
      context: {
        contactId: contact.contactId,
        itemIdFor: (line) => itemId(lineKey(line)),
        shippingItemId: order.shipping_lines.length ? itemId(SHIPPING_KEY) : '',
        feeItemId: order.fee_lines.length ? itemId(FEE_KEY) : '',
        taxFor: (rateIds, kind) => taxes.taxFor(rateIds, kind),
        pricePrecision: profile.pricePrecision,
        ...(exchangeRate !== undefined ? { exchangeRate } : {}),
        storeTimeZone: settings.storeTimeZone,
        options: { invoiceNumber: settings.invoiceNumber, invoiceNumberPrefix: settings.invoiceNumberPrefix },
      },
    };
  }

  private async ensureContact(
    connection: ConnectionEntity, order: WooOrder, event: InboundEvent, flags: Pick<EnsureContactRequest, 'dryRun' | 'refusedContactId'>, lookUpOnly: ResolveOptions['lookUpOnly'],
  ): Promise<{ contactId: string; refused?: EnsureContactReply['refused'] }> {
    const contact = await this.rpc.call<EnsureContactReply>(RPC.ensureContact, {
      connectionId: connection.id,
      customerId: order.customer_id,
      email: order.billing?.email ?? '',
      currency: order.currency,
      billing: order.billing,
      shipping: order.shipping,
      correlationId: event.correlationId,
      ...flags,
    } satisfies EnsureContactRequest);
    const wanted = order.currency?.trim().toUpperCase();
    if (lookUpOnly && contact.currencyCode && wanted && contact.currencyCode !== wanted) {
      lookUpOnly.creations.push({ kind: 'contact-currency', key: contact.contactId, name: contact.contactName, payload: { from: contact.currencyCode, to: wanted } });
    }
    if (!contact.wouldCreate) return contact;
    const email = (order.billing?.email ?? '').trim().toLowerCase();
    lookUpOnly?.creations.push({ kind: 'contact', key: email, name: contact.contactName, payload: { billing: order.billing, shipping: order.shipping, currency: order.currency } });
    return { contactId: `(new contact "${contact.contactName}")` };
  }
}
