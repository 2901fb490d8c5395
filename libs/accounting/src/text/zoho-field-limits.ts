/**
 * Maximum lengths of the Zoho Books fields this library fills (Zoho Books OpenAPI, see
 * specs/zoho-books.md §3.3, §4, §5.3). Where Zoho documents no limit the value is a conservative
 * assumption, marked as such.
 */
export const ZOHO_FIELD_LIMITS = {
  itemName: 100,
  itemDescription: 2000,
  itemSku: 100,
  lineName: 100,
  lineDescription: 2000,
  invoiceNumber: 100,
  referenceNumber: 100,
  /** Not documented; 5000 is assumed. */
  invoiceNotes: 5000,
  /** Not documented; kept as short as a line name. */
  adjustmentDescription: 100,
  contactName: 200,
  companyName: 200,
  attention: 100,
  address: 500,
  street2: 255,
  city: 100,
  state: 100,
  zip: 50,
  country: 100,
  phone: 50,
  personFirstName: 100,
  personLastName: 100,
  personEmail: 100,
  personPhone: 50,
} as const;
