/**
 * The OAuth scopes this integration needs (specs/zoho-books.md §1.7): items and taxes live under
 * `settings`, marking an invoice sent or void needs `invoices.CREATE`, re-applying a payment
 * `customerpayments.UPDATE` and taking back a credit note's cash refund `creditnotes.DELETE`.
 */
export const ZOHO_BOOKS_SCOPES: readonly string[] = [
  'ZohoBooks.settings.READ',
  'ZohoBooks.settings.CREATE',
  'ZohoBooks.settings.UPDATE',
  'ZohoBooks.contacts.CREATE',
  'ZohoBooks.contacts.READ',
  'ZohoBooks.contacts.UPDATE',
  'ZohoBooks.invoices.CREATE',
  'ZohoBooks.invoices.READ',
  'ZohoBooks.invoices.UPDATE',
  'ZohoBooks.invoices.DELETE',
  'ZohoBooks.customerpayments.CREATE',
  'ZohoBooks.customerpayments.READ',
  'ZohoBooks.customerpayments.UPDATE',
  'ZohoBooks.creditnotes.CREATE',
  'ZohoBooks.creditnotes.READ',
  'ZohoBooks.creditnotes.DELETE',
];
