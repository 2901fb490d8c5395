import { RouteTable } from '../http/route-table';
import type { BooksContext, BooksResult } from './books-request';
import { contactHandlers } from './contacts';
import { creditNoteRefundHandlers } from './credit-note-refunds';
import { creditNoteHandlers } from './credit-notes';
import { customerPaymentHandlers } from './customer-payments';
import { createInvoiceHandlers } from './invoices';
import { itemHandlers } from './items';
import type { ZohoOrganization } from './organization';
import type { RequiredScope, ScopeFamily, ScopeOperation } from './scopes';
import { createSettingsHandlers } from './settings-handlers';
import { exchangeRateHandlers } from './exchange-rate-handlers';
import { currencyHandlers } from './currency-handlers';

/** A Books endpoint: the scope it needs, and its handler (GET /organizations is special-cased). */
export interface BooksRoute {
  scope: RequiredScope;
  /** True for the one endpoint that needs no organization_id. */
  withoutOrganization?: boolean;
  handler?: (ctx: BooksContext) => BooksResult;
}

/** The Books routes, relative to `/books/v3`. */
export function createBooksRoutes(deps: {
  portalBase: () => string;
  accountIds: (org: ZohoOrganization) => { tax: string; purchase: string };
}): RouteTable<BooksRoute> {
  const settings = createSettingsHandlers(deps.accountIds);
  const invoices = createInvoiceHandlers(deps.portalBase);
  const table = new RouteTable<BooksRoute>();
  const add = (method: string, path: string, family: ScopeFamily, operation: ScopeOperation, handler: (ctx: BooksContext) => BooksResult) =>
    table.add(method, path, { scope: { family, operation }, handler });

  table.add('GET', '/organizations', { scope: { family: 'settings', operation: 'READ' }, withoutOrganization: true });

  add('GET', '/settings/taxes', 'settings', 'READ', settings.listTaxes);
  add('GET', '/settings/taxes/:taxId', 'settings', 'READ', settings.getTax);
  add('GET', '/settings/taxgroups/:taxGroupId', 'settings', 'READ', settings.getTaxGroup);
  add('GET', '/settings/currencies', 'settings', 'READ', currencyHandlers.list);
  add('POST', '/settings/currencies', 'settings', 'CREATE', currencyHandlers.create);
  add('GET', '/settings/currencies/:currencyId', 'settings', 'READ', currencyHandlers.get);
  add('GET', '/settings/currencies/:currencyId/exchangerates', 'settings', 'READ', exchangeRateHandlers.list);
  add('POST', '/settings/currencies/:currencyId/exchangerates', 'settings', 'CREATE', exchangeRateHandlers.create);
  add('GET', '/settings/currencies/:currencyId/exchangerates/:exchangeRateId', 'settings', 'READ', exchangeRateHandlers.get);

  add('POST', '/contacts', 'contacts', 'CREATE', contactHandlers.create);
  add('GET', '/contacts', 'contacts', 'READ', contactHandlers.list);
  add('POST', '/contacts/contactpersons', 'contacts', 'CREATE', contactHandlers.createPerson);
  add('PUT', '/contacts/contactpersons/:personId', 'contacts', 'UPDATE', contactHandlers.updatePerson);
  add('DELETE', '/contacts/contactpersons/:personId', 'contacts', 'DELETE', contactHandlers.removePerson);
  add('POST', '/contacts/contactpersons/:personId/primary', 'contacts', 'UPDATE', contactHandlers.markPersonPrimary);
  add('GET', '/contacts/:contactId', 'contacts', 'READ', contactHandlers.get);
  add('PUT', '/contacts/:contactId', 'contacts', 'UPDATE', contactHandlers.update);
  add('DELETE', '/contacts/:contactId', 'contacts', 'DELETE', contactHandlers.remove);
  add('POST', '/contacts/:contactId/active', 'contacts', 'UPDATE', contactHandlers.markActive);
  add('POST', '/contacts/:contactId/inactive', 'contacts', 'UPDATE', contactHandlers.markInactive);
  add('GET', '/contacts/:contactId/contactpersons', 'contacts', 'READ', contactHandlers.listPersons);
  add('GET', '/contacts/:contactId/contactpersons/:personId', 'contacts', 'READ', contactHandlers.getPerson);

  // Items belong to the `settings` scope family in Zoho Books.
  add('POST', '/items', 'settings', 'CREATE', itemHandlers.create);
  add('GET', '/items', 'settings', 'READ', itemHandlers.list);
  add('GET', '/items/:itemId', 'settings', 'READ', itemHandlers.get);
  add('PUT', '/items/:itemId', 'settings', 'UPDATE', itemHandlers.update);
  add('DELETE', '/items/:itemId', 'settings', 'DELETE', itemHandlers.remove);
  add('POST', '/items/:itemId/active', 'settings', 'UPDATE', itemHandlers.markActive);
  add('POST', '/items/:itemId/inactive', 'settings', 'UPDATE', itemHandlers.markInactive);

  add('POST', '/invoices', 'invoices', 'CREATE', invoices.create);
  add('GET', '/invoices', 'invoices', 'READ', invoices.list);
  add('GET', '/invoices/:invoiceId', 'invoices', 'READ', invoices.get);
  add('PUT', '/invoices/:invoiceId', 'invoices', 'UPDATE', invoices.update);
  add('DELETE', '/invoices/:invoiceId', 'invoices', 'DELETE', invoices.remove);
  // The status actions need invoices.CREATE, not UPDATE (Zoho's OpenAPI security blocks).
  add('POST', '/invoices/:invoiceId/status/sent', 'invoices', 'CREATE', invoices.markSent);
  add('POST', '/invoices/:invoiceId/status/void', 'invoices', 'CREATE', invoices.markVoid);
  add('POST', '/invoices/:invoiceId/status/draft', 'invoices', 'CREATE', invoices.markDraft);
  add('GET', '/invoices/:invoiceId/payments', 'invoices', 'READ', invoices.listPayments);

  add('POST', '/customerpayments', 'customerpayments', 'CREATE', customerPaymentHandlers.create);
  add('GET', '/customerpayments', 'customerpayments', 'READ', customerPaymentHandlers.list);
  add('GET', '/customerpayments/:paymentId', 'customerpayments', 'READ', customerPaymentHandlers.get);
  add('PUT', '/customerpayments/:paymentId', 'customerpayments', 'UPDATE', customerPaymentHandlers.update);
  add('DELETE', '/customerpayments/:paymentId', 'customerpayments', 'DELETE', customerPaymentHandlers.remove);

  add('POST', '/creditnotes', 'creditnotes', 'CREATE', creditNoteHandlers.create);
  add('GET', '/creditnotes', 'creditnotes', 'READ', creditNoteHandlers.list);
  add('GET', '/creditnotes/:creditNoteId', 'creditnotes', 'READ', creditNoteHandlers.get);
  add('DELETE', '/creditnotes/:creditNoteId', 'creditnotes', 'DELETE', creditNoteHandlers.remove);
  // Applying credits needs creditnotes.CREATE (spec §1.7); the void action is taken to need it too,
  // as the invoice status actions do.
  add('POST', '/creditnotes/:creditNoteId/invoices', 'creditnotes', 'CREATE', creditNoteHandlers.applyToInvoices);
  add('POST', '/creditnotes/:creditNoteId/status/void', 'creditnotes', 'CREATE', creditNoteHandlers.markVoid);
  add('POST', '/creditnotes/:creditNoteId/refunds', 'creditnotes', 'CREATE', creditNoteRefundHandlers.create);
  add('GET', '/creditnotes/:creditNoteId/refunds', 'creditnotes', 'READ', creditNoteRefundHandlers.list);
  add('DELETE', '/creditnotes/:creditNoteId/refunds/:refundId', 'creditnotes', 'DELETE', creditNoteRefundHandlers.remove);

  return table;
}
