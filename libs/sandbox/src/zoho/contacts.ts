import { Decimal } from '../decimal/decimal';
import { addressFromInput, emptyAddress } from './addresses';
import { BOOKS_CODES, BOOKS_MESSAGES, BooksError, invalidValue, notAllowed, notFound } from './books-errors';
import type { ContactPersonRecord, ContactRecord } from './books-records';
import {
  paginate,
  readArray,
  readBoolean,
  readDecimal,
  readInteger,
  readObject,
  readString,
  sortOrder,
  success,
  statusFilter,
  textFilterMatches,
  type BooksContext,
  type BooksResult,
} from './books-request';
import { contactJson, contactRowJson, hasTransaction, personJson, primaryPerson } from './contact-json';

/*
 * Contacts and contact persons (specs/zoho-books.md §3).
 * - contact_name is unique per organisation (compared case-insensitively) → 400 code 3062.
 * - The `email` filter matches the primary contact person's email, case-insensitively.
 * - PUT with `contact_persons` replaces the list: persons sent with their contact_person_id are
 *   kept and updated, persons without an id are added, persons left out are removed.
 */

const PERSON_LIMITS: Partial<Record<keyof ContactPersonRecord, number>> = {
  salutation: 25,
  first_name: 100,
  last_name: 100,
  email: 100,
  phone: 50,
  mobile: 50,
  designation: 100,
  department: 100,
  skype: 100,
};

export function paymentTermsLabel(days: number): string {
  return days === 0 ? 'Due on Receipt' : `Net ${days}`;
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

// ---- input ----------------------------------------------------------------------------------

function personFromInput(ctx: BooksContext, input: unknown, index: number, existing?: ContactPersonRecord): ContactPersonRecord {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidValue(`contact_persons[${index}]`, 'Expected an object.');
  const body = input as Record<string, unknown>;
  const person: ContactPersonRecord = existing
    ? { ...existing }
    : {
        contact_person_id: ctx.ids.next(),
        salutation: '',
        first_name: '',
        last_name: '',
        email: '',
        phone: '',
        mobile: '',
        designation: '',
        department: '',
        skype: '',
        is_primary_contact: false,
        enable_portal: false,
      };
  for (const [field, max] of Object.entries(PERSON_LIMITS) as Array<[keyof ContactPersonRecord, number]>) {
    const value = readString(body, field, { max, label: `contact_persons[${index}].${field}` });
    if (value !== undefined) (person as unknown as Record<string, unknown>)[field] = value;
  }
  if (person.email && !/^[^\s@]+@[^\s@]+$/.test(person.email)) throw invalidValue(`contact_persons[${index}].email`, 'Enter a valid email address.');
  const primary = readBoolean(body, 'is_primary_contact');
  if (primary !== undefined) person.is_primary_contact = primary;
  const portal = readBoolean(body, 'enable_portal');
  if (portal !== undefined) person.enable_portal = portal;
  return person;
}

/** Exactly one primary person when there are persons: the first one flagged, else the first. */
function settlePrimary(persons: ContactPersonRecord[]): void {
  if (persons.length === 0) return;
  const primary = persons.find((p) => p.is_primary_contact) ?? persons[0]!;
  for (const person of persons) person.is_primary_contact = person === primary;
}

function applyContactFields(ctx: BooksContext, contact: ContactRecord, body: Record<string, unknown>): void {
  const name = readString(body, 'contact_name', { max: 200 });
  if (name !== undefined) {
    if (name.trim() === '') throw invalidValue('contact_name', 'Contact name cannot be empty.');
    contact.contact_name = name;
  }
  const company = readString(body, 'company_name', { max: 200 });
  if (company !== undefined) contact.company_name = company;
  const website = readString(body, 'website', { max: 200 });
  if (website !== undefined) contact.website = website;
  const language = readString(body, 'language_code', { max: 10 });
  if (language !== undefined) contact.language_code = language;
  const type = readString(body, 'contact_type');
  if (type !== undefined) {
    if (type !== 'customer' && type !== 'vendor') throw invalidValue('contact_type');
    contact.contact_type = type;
  }
  const subType = readString(body, 'customer_sub_type');
  if (subType !== undefined) {
    if (subType !== 'individual' && subType !== 'business') throw invalidValue('customer_sub_type');
    contact.customer_sub_type = subType;
  }
  const creditLimit = readDecimal(body, 'credit_limit');
  if (creditLimit !== undefined) contact.credit_limit = creditLimit;
  const portal = readBoolean(body, 'is_portal_enabled');
  if (portal !== undefined) contact.is_portal_enabled = portal;
  const currencyId = readString(body, 'currency_id');
  if (currencyId !== undefined && currencyId !== '') {
    if (!ctx.org.currencies().some((c) => c.currency_id === currencyId)) throw invalidValue('currency_id', `Currency ${currencyId} does not exist in this organization.`);
    // [assumed] Books locks a contact's currency once it has transactions (any invoice, credit
    // note or payment, void ones included), since those are booked in it. The code (4) and
    // wording of Zoho's refusal are not documented (books-errors.ts).
    if (currencyId !== contact.currency_id && ctx.org.contacts.has(contact.contact_id) && hasTransaction(ctx.org, contact.contact_id)) {
      throw new BooksError(400, BOOKS_CODES.currencyLocked, BOOKS_MESSAGES.currencyLocked);
    }
    contact.currency_id = currencyId;
  }
  const terms = readInteger(body, 'payment_terms');
  if (terms !== undefined) {
    if (terms < 0) throw invalidValue('payment_terms');
    contact.payment_terms = terms;
    contact.payment_terms_label = paymentTermsLabel(terms);
  }
  const termsLabel = readString(body, 'payment_terms_label', { max: 100 });
  if (termsLabel !== undefined && termsLabel !== '') contact.payment_terms_label = termsLabel;
  const notes = readString(body, 'notes', { max: 5000 });
  if (notes !== undefined) contact.notes = notes;
  const taxId = readString(body, 'tax_id');
  if (taxId !== undefined) {
    if (taxId !== '' && !ctx.org.resolveTax(taxId)) throw invalidValue('tax_id', `Tax ${taxId} does not exist.`);
    contact.tax_id = taxId;
  }
  const customFields = readArray(body, 'custom_fields');
  if (customFields !== undefined) contact.custom_fields = customFields;
  const billing = readObject(body, 'billing_address');
  if (billing !== undefined) contact.billing_address = addressFromInput(billing, 'billing_address');
  const shipping = readObject(body, 'shipping_address');
  if (shipping !== undefined) contact.shipping_address = addressFromInput(shipping, 'shipping_address');
}

function assertUniqueName(ctx: BooksContext, contact: ContactRecord): void {
  for (const other of ctx.org.contacts.values()) {
    if (other.contact_id !== contact.contact_id && sameName(other.contact_name, contact.contact_name)) {
      throw new BooksError(400, BOOKS_CODES.duplicateContact, BOOKS_MESSAGES.duplicateContact(contact.contact_type, contact.contact_name));
    }
  }
}

function findContact(ctx: BooksContext, id: string | undefined): ContactRecord {
  const contact = id ? ctx.org.contacts.get(id) : undefined;
  if (!contact) throw notFound('Contact');
  return contact;
}

function findPerson(ctx: BooksContext, personId: string | undefined): { contact: ContactRecord; person: ContactPersonRecord } {
  for (const contact of ctx.org.contacts.values()) {
    const person = contact.contact_persons.find((p) => p.contact_person_id === personId);
    if (person) return { contact, person };
  }
  throw notFound('Contact person');
}

// ---- handlers -------------------------------------------------------------------------------

export const contactHandlers = {
  create(ctx: BooksContext): BooksResult {
    if (readString(ctx.body, 'contact_name') === undefined) throw invalidValue('contact_name', 'Contact name is required.');
    const contact: ContactRecord = {
      contact_id: ctx.ids.next(),
      contact_name: '',
      company_name: '',
      contact_type: 'customer',
      customer_sub_type: 'business',
      website: '',
      language_code: 'en',
      credit_limit: Decimal.ZERO,
      is_portal_enabled: false,
      currency_id: ctx.org.info.currency_id,
      payment_terms: 0,
      payment_terms_label: paymentTermsLabel(0),
      notes: '',
      status: 'active',
      tax_id: '',
      billing_address: emptyAddress(),
      shipping_address: emptyAddress(),
      contact_persons: [],
      custom_fields: [],
      unused_credits: Decimal.ZERO,
      created_at: ctx.now,
      modified_at: ctx.now,
    };
    applyContactFields(ctx, contact, ctx.body);
    const persons = readArray(ctx.body, 'contact_persons') ?? [];
    contact.contact_persons = persons.map((p, i) => personFromInput(ctx, p, i));
    settlePrimary(contact.contact_persons);
    assertUniqueName(ctx, contact);
    ctx.org.contacts.set(contact.contact_id, contact);
    return success('The contact has been created', { contact: contactJson(ctx, contact) }, 201);
  },

  list(ctx: BooksContext): BooksResult {
    const q = ctx.query;
    const filterBy = statusFilter(q);
    const search = q.get('search_text')?.toLowerCase();
    const type = q.get('contact_type');
    let rows = [...ctx.org.contacts.values()].filter((contact) => {
      const primary = primaryPerson(contact);
      if (type && contact.contact_type !== type) return false;
      if (filterBy === 'Status.Active' && contact.status !== 'active') return false;
      if (filterBy === 'Status.Inactive' && contact.status !== 'inactive') return false;
      if (!textFilterMatches(q, 'contact_name', contact.contact_name)) return false;
      if (!textFilterMatches(q, 'company_name', contact.company_name)) return false;
      if (!textFilterMatches(q, 'email', primary?.email ?? '')) return false;
      if (!textFilterMatches(q, 'first_name', primary?.first_name ?? '')) return false;
      if (!textFilterMatches(q, 'last_name', primary?.last_name ?? '')) return false;
      if (!textFilterMatches(q, 'phone', primary?.phone ?? '')) return false;
      if (search && !contact.contact_name.toLowerCase().includes(search) && !contact.notes.toLowerCase().includes(search)) return false;
      return true;
    });
    const sortColumn = q.get('sort_column') ?? 'contact_name';
    const direction = sortOrder(q, 'A');
    const key = (c: ContactRecord): string | number => {
      switch (sortColumn) {
        case 'created_time':
          return c.created_at;
        case 'last_modified_time':
          return c.modified_at;
        case 'email':
          return (primaryPerson(c)?.email ?? '').toLowerCase();
        case 'first_name':
          return (primaryPerson(c)?.first_name ?? '').toLowerCase();
        case 'last_name':
          return (primaryPerson(c)?.last_name ?? '').toLowerCase();
        default:
          return c.contact_name.toLowerCase();
      }
    };
    rows = rows.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const order = ka < kb ? -1 : ka > kb ? 1 : 0;
      return direction === 'A' ? order : -order;
    });
    const page = paginate(rows, q, { applied_filter: filterBy, sort_column: sortColumn, sort_order: direction });
    return success('success', { contacts: page.rows.map((c) => contactRowJson(ctx, c)), page_context: page.page_context });
  },

  get(ctx: BooksContext): BooksResult {
    return success('success', { contact: contactJson(ctx, findContact(ctx, ctx.params.contactId)) });
  },

  update(ctx: BooksContext): BooksResult {
    const contact = findContact(ctx, ctx.params.contactId);
    const draft: ContactRecord = { ...contact, contact_persons: contact.contact_persons.map((p) => ({ ...p })) };
    applyContactFields(ctx, draft, ctx.body);
    const persons = readArray(ctx.body, 'contact_persons');
    if (persons !== undefined) {
      draft.contact_persons = persons.map((input, index) => {
        const id = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).contact_person_id : undefined;
        if (id === undefined || id === null || id === '') return personFromInput(ctx, input, index);
        const existing = contact.contact_persons.find((p) => p.contact_person_id === String(id));
        if (!existing) throw invalidValue(`contact_persons[${index}].contact_person_id`, `Contact person ${String(id)} does not belong to this contact.`);
        return personFromInput(ctx, input, index, existing);
      });
      settlePrimary(draft.contact_persons);
    }
    assertUniqueName(ctx, draft);
    draft.modified_at = ctx.now;
    ctx.org.contacts.set(contact.contact_id, draft);
    return success('Contact has been updated successfully', { contact: contactJson(ctx, draft) });
  },

  remove(ctx: BooksContext): BooksResult {
    const contact = findContact(ctx, ctx.params.contactId);
    if (hasTransaction(ctx.org, contact.contact_id)) {
      throw notAllowed('The contact cannot be deleted as it is associated with transactions. Mark it as inactive instead.');
    }
    ctx.org.contacts.delete(contact.contact_id);
    return success('The contact has been deleted.');
  },

  markActive(ctx: BooksContext): BooksResult {
    const contact = findContact(ctx, ctx.params.contactId);
    contact.status = 'active';
    contact.modified_at = ctx.now;
    return success('The contact has been marked as active.');
  },

  markInactive(ctx: BooksContext): BooksResult {
    const contact = findContact(ctx, ctx.params.contactId);
    contact.status = 'inactive';
    contact.modified_at = ctx.now;
    return success('The contact has been marked as inactive.');
  },

  listPersons(ctx: BooksContext): BooksResult {
    const contact = findContact(ctx, ctx.params.contactId);
    const page = paginate(contact.contact_persons, ctx.query, { sort_column: 'contact_person_id', sort_order: 'A' });
    return success('success', { contact_persons: page.rows.map(personJson), page_context: page.page_context });
  },

  getPerson(ctx: BooksContext): BooksResult {
    const contact = findContact(ctx, ctx.params.contactId);
    const person = contact.contact_persons.find((p) => p.contact_person_id === ctx.params.personId);
    if (!person) throw notFound('Contact person');
    return success('success', { contact_person: { contact_id: contact.contact_id, ...personJson(person) } });
  },

  createPerson(ctx: BooksContext): BooksResult {
    const contactId = readString(ctx.body, 'contact_id');
    if (!contactId) throw invalidValue('contact_id', 'contact_id is required.');
    const contact = findContact(ctx, contactId);
    const person = personFromInput(ctx, ctx.body, 0);
    if (person.is_primary_contact) for (const other of contact.contact_persons) other.is_primary_contact = false;
    contact.contact_persons.push(person);
    settlePrimary(contact.contact_persons);
    contact.modified_at = ctx.now;
    const { enable_portal: _portal, ...rest } = personJson(person);
    return success('The contactperson has been Created', { contact_person: [{ contact_id: contact.contact_id, ...rest, is_added_in_portal: false }] }, 201);
  },

  updatePerson(ctx: BooksContext): BooksResult {
    const { contact, person } = findPerson(ctx, ctx.params.personId);
    const updated = personFromInput(ctx, ctx.body, 0, person);
    contact.contact_persons = contact.contact_persons.map((p) => {
      if (p === person) return updated;
      return updated.is_primary_contact ? { ...p, is_primary_contact: false } : p;
    });
    settlePrimary(contact.contact_persons);
    contact.modified_at = ctx.now;
    return success('The contactperson details has been updated.', { contact_person: { contact_id: contact.contact_id, ...personJson(updated) } });
  },

  removePerson(ctx: BooksContext): BooksResult {
    const { contact, person } = findPerson(ctx, ctx.params.personId);
    contact.contact_persons = contact.contact_persons.filter((p) => p !== person);
    settlePrimary(contact.contact_persons);
    contact.modified_at = ctx.now;
    return success('The contact person has been deleted.');
  },

  markPersonPrimary(ctx: BooksContext): BooksResult {
    const { contact, person } = findPerson(ctx, ctx.params.personId);
    for (const p of contact.contact_persons) p.is_primary_contact = p === person;
    contact.modified_at = ctx.now;
    return success('This contact person has been marked as your primary contact person.');
  },
};
