import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { BooksTestClient, mintAccessToken, zohoWithOrg } from '../test-support/zoho-test-client';

const ID = /^\d{18,19}$/;

describe('fake Zoho Books API', () => {
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  let taxes: Record<string, string>;
  let setup: Awaited<ReturnType<typeof zohoWithOrg>>;

  before(async () => {
    zoho = await FakeZoho.start();
    setup = await zohoWithOrg(zoho, { name: 'Example Shop Ltd', currencyCode: 'GBP', timeZone: 'Europe/London' });
    books = setup.client;
    orgId = setup.orgId;
    taxes = Object.fromEntries(zoho.taxes(orgId).map((t) => [t.tax_name, t.tax_id]));
  });
  after(() => zoho.stop());

  describe('authentication and organisation', () => {
    it('answers a missing or non-Zoho Authorization header with 401 code 14', async () => {
      for (const headers of [{}, { authorization: `Bearer ${books.accessToken}` }] as Array<Record<string, string>>) {
        const res = await fetch(`${zoho.apiDomain}/books/v3/contacts?organization_id=${orgId}`, { headers });
        assert.equal(res.status, 401);
        assert.equal(((await res.json()) as { code: number }).code, 14);
      }
    });

    it('answers unknown, expired and revoked tokens with 401 code 57', async () => {
      const stranger = new BooksTestClient(zoho, `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`, orgId);
      assert.deepEqual((await stranger.get('/contacts')).body, { code: 57, message: 'You are not authorized to perform this operation' });
      const client = zoho.registerClient();
      const refresh = zoho.issueRefreshToken(client.clientId);
      const fresh = new BooksTestClient(zoho, await mintAccessToken(zoho, client, refresh), orgId);
      assert.equal((await fresh.get('/contacts')).status, 200);
      zoho.expireAccessTokens();
      assert.equal((await fresh.get('/contacts')).status, 401);
      fresh.accessToken = await mintAccessToken(zoho, client, refresh);
      assert.equal((await fresh.get('/contacts')).status, 200);
      zoho.revokeRefreshToken(refresh);
      assert.equal((await fresh.get('/contacts')).body.code, 57);
      // expireAccessTokens() ended the shared client's token too.
      books.accessToken = await mintAccessToken(zoho, setup.oauth, setup.refreshToken);
    });

    it('answers a token without the needed scope with 401 code 57', async () => {
      const client = zoho.registerClient();
      const refresh = zoho.issueRefreshToken(client.clientId, undefined, ['ZohoBooks.contacts.READ']);
      const limited = new BooksTestClient(zoho, await mintAccessToken(zoho, client, refresh), orgId);
      assert.equal((await limited.get('/contacts')).status, 200);
      const denied = await limited.post('/items', { name: 'x', rate: 1 });
      assert.equal(denied.status, 401);
      assert.equal(denied.body.code, 57);
    });

    it('lists organisations without organization_id and requires it elsewhere when several exist', async () => {
      const second = zoho.createOrganization({ name: 'Second Org' });
      const client = zoho.registerClient();
      const all = new BooksTestClient(zoho, await mintAccessToken(zoho, client, zoho.issueRefreshToken(client.clientId)));
      const list = await all.get('/organizations');
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.organizations.map((o: { organization_id: string }) => o.organization_id),
        [orgId, second.organization_id],
      );
      assert.equal(list.body.organizations[0].price_precision, 2);
      const missing = await all.get('/contacts');
      assert.equal(missing.status, 400);
      assert.equal(missing.body.code, 6024);
      assert.equal(missing.body.error_info.length, 2);
      const wrong = await all.get('/contacts', { organization_id: '999' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.message, 'Invalid value passed for organization_id');
      // A token for one org cannot use another.
      assert.equal((await books.get('/contacts', { organization_id: second.organization_id })).status, 400);
    });

    it('answers unknown paths with 404 code 5', async () => {
      const res = await books.get('/nothing-here');
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 5);
    });
  });

  describe('settings', () => {
    it('lists taxes and tax groups with summed percentages', async () => {
      const other = zoho.createOrganization({
        taxes: [
          { name: 'CA State', percentage: '7.25' },
          { name: 'LA County', percentage: '2.25' },
        ],
        taxGroups: [{ name: 'CA + LA', taxNames: ['CA State', 'LA County'] }],
      });
      // The shared token only grants the first organisation.
      assert.equal((await new BooksTestClient(zoho, books.accessToken, other.organization_id).get('/settings/taxes')).status, 400);
      const client = zoho.registerClient();
      const own = new BooksTestClient(zoho, await mintAccessToken(zoho, client, zoho.issueRefreshToken(client.clientId)), other.organization_id);
      const listed = await own.get('/settings/taxes');
      assert.equal(listed.body.code, 0);
      const group = listed.body.taxes.find((t: { tax_type: string }) => t.tax_type === 'tax_group');
      assert.equal(group.tax_percentage, 9.5);
      assert.deepEqual(group.taxes.map((t: { tax_name: string }) => t.tax_name), ['CA State', 'LA County']);
      assert.match(group.tax_id, ID);
      assert.equal(listed.body.page_context.has_more_page, false);
    });

    it('lists currencies with their precision', async () => {
      const res = await books.get('/settings/currencies');
      assert.equal(res.body.currencies[0].currency_code, 'GBP');
      assert.equal(res.body.currencies[0].price_precision, 2);
    });
  });

  describe('contacts', () => {
    it('creates a contact (201, string IDs, exact message) and rejects a duplicate name with 3062', async () => {
      const body = {
        contact_name: 'Jane Doe (woo #1042)',
        contact_persons: [{ first_name: 'Jane', last_name: 'Doe', email: 'Jane.Doe@Example.test', is_primary_contact: true }],
      };
      const created = await books.post('/contacts', body);
      assert.equal(created.status, 201);
      assert.equal(created.body.code, 0);
      assert.equal(created.body.message, 'The contact has been created');
      assert.match(created.body.contact.contact_id, ID);
      assert.equal(created.body.contact.primary_contact_id, created.body.contact.contact_persons[0].contact_person_id);
      const duplicate = await books.post('/contacts', { contact_name: 'Jane Doe (woo #1042)' });
      assert.equal(duplicate.status, 400);
      assert.deepEqual(duplicate.body, { code: 3062, message: 'The customer "Jane Doe (woo #1042)" already exists. Please specify a different name.' });
    });

    it('filters by the primary person email case-insensitively', async () => {
      const found = await books.get('/contacts', { email: 'jane.doe@example.TEST' });
      assert.equal(found.body.contacts.length, 1);
      assert.equal(found.body.contacts[0].email, 'Jane.Doe@Example.test');
      assert.equal(found.body.page_context.per_page, 200);
      assert.equal((await books.get('/contacts', { email: 'nobody@example.test' })).body.contacts.length, 0);
      assert.equal((await books.get('/contacts', { contact_name: 'jane doe (woo #1042)' })).body.contacts.length, 1);
      assert.equal((await books.get('/contacts', { search_text: 'woo #10' })).body.contacts.length, 1);
    });

    it('removes contact persons left out of a PUT and keeps those sent with their id', async () => {
      const created = await books.post('/contacts', {
        contact_name: 'Persons Test',
        billing_address: { address: '1 High Street', street2: 'Flat 2', city: 'Bristol' },
        contact_persons: [
          { first_name: 'A', email: 'a@example.test', is_primary_contact: true },
          { first_name: 'B', email: 'b@example.test' },
        ],
      });
      const [a, b] = created.body.contact.contact_persons;
      const updated = await books.put(`/contacts/${created.body.contact.contact_id}`, {
        contact_name: 'Persons Test',
        billing_address: { address: '9 New Road', city: 'Bath' },
        contact_persons: [{ contact_person_id: b.contact_person_id, first_name: 'B2', is_primary_contact: true }, { first_name: 'C' }],
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.message, 'Contact has been updated successfully');
      const persons = updated.body.contact.contact_persons;
      assert.deepEqual(persons.map((p: { first_name: string }) => p.first_name), ['B2', 'C']);
      assert.equal(persons[0].contact_person_id, b.contact_person_id);
      assert.equal(persons[0].email, 'b@example.test');
      assert.ok(!persons.some((p: { contact_person_id: string }) => p.contact_person_id === a.contact_person_id));
      assert.equal(updated.body.contact.billing_address.street2, '');
      // Without contact_persons the list stays as it is.
      const untouched = await books.put(`/contacts/${created.body.contact.contact_id}`, { notes: 'x' });
      assert.equal(untouched.body.contact.contact_persons.length, 2);
    });

    it('manages contact persons through their own endpoints', async () => {
      const contact = (await books.post('/contacts', { contact_name: 'Person Endpoints' })).body.contact;
      const created = await books.post('/contacts/contactpersons', { contact_id: contact.contact_id, first_name: 'John', email: 'john@example.test' });
      assert.equal(created.status, 201);
      assert.equal(created.body.message, 'The contactperson has been Created');
      assert.ok(Array.isArray(created.body.contact_person));
      const personId = created.body.contact_person[0].contact_person_id;
      const listed = await books.get(`/contacts/${contact.contact_id}/contactpersons`);
      assert.equal(listed.body.contact_persons.length, 1);
      assert.equal((await books.delete(`/contacts/contactpersons/${personId}`)).status, 200);
      assert.equal((await books.get(`/contacts/${contact.contact_id}`)).body.contact.contact_persons.length, 0);
    });

    it('accepts the legacy JSONString form body and rejects malformed JSON with 1038', async () => {
      const form = `JSONString=${encodeURIComponent(JSON.stringify({ contact_name: 'Form Contact' }))}`;
      const created = await books.call('POST', '/contacts', { form });
      assert.equal(created.status, 201);
      const bad = await books.call('POST', '/contacts', { form: 'contact_name=x' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 1038);
    });

    it('answers an unknown contact with 404 code 1002', async () => {
      const res = await books.get('/contacts/1234567890123456789');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { code: 1002, message: 'Contact does not exist.' });
    });
  });

  describe('items', () => {
    it('creates items and rejects duplicate names and SKUs with 400', async () => {
      const created = await books.post('/items', { name: 'Blue Mug 350ml', rate: 12.5, sku: 'MUG-BLUE-350', tax_id: taxes['Standard Rate'] });
      assert.equal(created.status, 201);
      assert.equal(created.body.message, 'The item has been added.');
      assert.equal(created.body.item.tax_percentage, 20);
      const byName = await books.post('/items', { name: 'blue mug 350ml', rate: 1 });
      assert.equal(byName.status, 400);
      assert.equal(byName.body.code, 1001);
      const bySku = await books.post('/items', { name: 'Other', rate: 1, sku: 'MUG-BLUE-350' });
      assert.equal(bySku.status, 400);
      assert.match(bySku.body.message, /SKU/);
      assert.equal((await books.get('/items', { name: 'Blue Mug 350ml' })).body.items.length, 1);
      assert.equal((await books.get('/items', { search_text: 'mug-blue' })).body.items.length, 1);
      const updated = await books.put(`/items/${created.body.item.item_id}`, { rate: 13 });
      assert.equal(updated.body.message, 'Item details have been saved.');
      assert.equal(updated.body.item.rate, 13);
    });

    it('matches search_text against name, description and SKU; with searchTextMatchesSku: false, name and description only', async () => {
      const search = async (client: BooksTestClient, text: string) =>
        ((await client.get('/items', { search_text: text })).body.items as Array<{ name: string }>).map((item) => item.name).sort();
      await books.post('/items', { name: 'Teapot', rate: 30, sku: 'POT-77', description: 'Stoneware, 1 l' });
      assert.deepEqual(await search(books, 'pot-7'), ['Teapot'], 'by default SKU is searched too');

      const documented = await FakeZoho.start({ searchTextMatchesSku: false });
      try {
        const { client } = await zohoWithOrg(documented);
        await client.post('/items', { name: 'Teapot', rate: 30, sku: 'POT-77', description: 'Stoneware, 1 l' });
        await client.post('/items', { name: 'Cup', rate: 5, sku: 'CUP-1', description: 'Goes with POT-77' });
        assert.deepEqual(await search(client, 'pot-77'), ['Cup'], 'only the description that names the SKU matches');
        assert.deepEqual(await search(client, 'teap'), ['Teapot']);
        assert.deepEqual(await search(client, 'stoneware'), ['Teapot']);
        const duplicate = await client.post('/items', { name: 'Big Teapot', rate: 40, sku: 'POT-77' });
        assert.equal(duplicate.status, 400, 'SKUs stay unique');
      } finally {
        await documented.stop();
      }
    });

    it('lists only active contacts and items unless filter_by asks for others', async () => {
      const item = (await books.post('/items', { name: 'Retired Kettle', rate: 20, sku: 'KET-OLD' })).body.item.item_id;
      const contact = (await books.post('/contacts', { contact_name: 'Retired Customer' })).body.contact.contact_id;
      assert.equal((await books.post(`/items/${item}/inactive`, {})).status, 200);
      assert.equal((await books.post(`/contacts/${contact}/inactive`, {})).status, 200);
      const items = async (query: Record<string, string>) => (await books.get('/items', { name: 'Retired Kettle', ...query })).body.items.length;
      const contacts = async (query: Record<string, string>) => (await books.get('/contacts', { contact_name: 'Retired Customer', ...query })).body.contacts.length;
      assert.deepEqual([await items({}), await items({ filter_by: 'Status.Active' }), await items({ filter_by: 'Status.All' }), await items({ filter_by: 'Status.Inactive' })], [0, 0, 1, 1]);
      assert.deepEqual([await contacts({}), await contacts({ filter_by: 'Status.All' }), await contacts({ filter_by: 'Status.Inactive' })], [0, 1, 1]);
    });

    it('paginates with page_context', async () => {
      for (let i = 0; i < 5; i++) await books.post('/items', { name: `Page Item ${i}`, rate: i + 1 });
      const page = await books.get('/items', { name_startswith: 'Page Item', per_page: '2', page: '2' });
      assert.equal(page.body.items.length, 2);
      assert.deepEqual(
        { page: page.body.page_context.page, per_page: page.body.page_context.per_page, has_more_page: page.body.page_context.has_more_page },
        { page: 2, per_page: 2, has_more_page: true },
      );
      const last = await books.get('/items', { name_startswith: 'Page Item', per_page: '2', page: '3' });
      assert.equal(last.body.page_context.has_more_page, false);
    });
  });

  describe('invoices', () => {
    let customerId: string;
    let itemId: string;
    before(async () => {
      customerId = (await books.post('/contacts', { contact_name: 'Invoice Customer', payment_terms: 14 })).body.contact.contact_id;
      itemId = (await books.post('/items', { name: 'Invoice Item', rate: 12.5, unit: 'pcs' })).body.item.item_id;
    });

    const fixtureBody = () => ({
      customer_id: customerId,
      reference_number: 'woo-order-1042',
      date: '2025-01-15',
      is_inclusive_tax: false,
      line_items: [{ item_id: itemId, rate: 12.5, quantity: 2, discount: 0, tax_id: taxes['Standard Rate'] }],
      shipping_charge: '4.99',
      adjustment: -0.01,
      adjustment_description: 'Rounding to WooCommerce total',
      notes: 'WooCommerce order #1042',
    });

    it('computes the fixture totals and numbers invoices automatically', async () => {
      const created = await books.post('/invoices', fixtureBody());
      assert.equal(created.status, 201);
      assert.equal(created.body.message, 'The invoice has been created.');
      const invoice = created.body.invoice;
      assert.match(invoice.invoice_number, /^INV-\d{6}$/);
      assert.equal(invoice.status, 'draft');
      assert.deepEqual(
        [invoice.sub_total, invoice.tax_total, invoice.shipping_charge, invoice.adjustment, invoice.total, invoice.balance],
        [25, 5, 4.99, -0.01, 34.98, 34.98],
      );
      assert.deepEqual(invoice.taxes, [{ tax_name: 'Standard Rate (20%)', tax_amount: 5 }]);
      assert.equal(invoice.price_precision, 2);
      assert.equal(invoice.currency_code, 'GBP');
      assert.equal(invoice.due_date, '2025-01-29');
      assert.match(invoice.line_items[0].line_item_id, ID);
      assert.equal(invoice.line_items[0].item_total, 25);
      const next = await books.post('/invoices', fixtureBody());
      assert.equal(Number(next.body.invoice.invoice_number.slice(4)), Number(invoice.invoice_number.slice(4)) + 1);
    });

    it('rejects a supplied number without ignore_auto_number_generation and duplicates with it', async () => {
      const refused = await books.post('/invoices', { ...fixtureBody(), invoice_number: 'WC-1042' });
      assert.equal(refused.status, 400);
      assert.notEqual(refused.body.code, 0);
      const custom = await books.post('/invoices', { ...fixtureBody(), invoice_number: 'WC-1042' }, { ignore_auto_number_generation: 'true' });
      assert.equal(custom.body.invoice.invoice_number, 'WC-1042');
      const duplicate = await books.post('/invoices', { ...fixtureBody(), invoice_number: 'WC-1042' }, { ignore_auto_number_generation: 'true' });
      assert.equal(duplicate.status, 400);
      assert.equal(duplicate.body.code, 1001);
    });

    it('validates customer, items, quantity and taxes like Zoho', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ ...fixtureBody(), customer_id: '1111111111111111111' }, /customer_id/],
        [{ ...fixtureBody(), line_items: [{ rate: 1, quantity: 1 }] }, /item_id/],
        [{ ...fixtureBody(), line_items: [{ item_id: '1111111111111111111', quantity: 1 }] }, /item_id/],
        [{ ...fixtureBody(), line_items: [{ item_id: itemId, quantity: 0 }] }, /quantity/i],
        [{ ...fixtureBody(), line_items: [{ item_id: itemId, quantity: 1, tax_id: '1111111111111111111' }] }, /tax_id/],
        [{ ...fixtureBody(), line_items: [] }, /line_items/],
      ];
      for (const [body, message] of cases) {
        const res = await books.post('/invoices', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.notEqual(res.body.code, 0);
        assert.match(res.body.message, message);
      }
    });

    it('finds invoices by reference_number and keeps line_item_id on update', async () => {
      const created = (await books.post('/invoices', { ...fixtureBody(), reference_number: 'ref-unique-1' })).body.invoice;
      const found = await books.get('/invoices', { reference_number: 'ref-unique-1' });
      assert.deepEqual(found.body.invoices.map((i: { invoice_id: string }) => i.invoice_id), [created.invoice_id]);
      const lineId = created.line_items[0].line_item_id;
      const updated = await books.put(`/invoices/${created.invoice_id}`, {
        line_items: [{ line_item_id: lineId, item_id: itemId, rate: 10, quantity: 1, discount: '10%' }, { item_id: itemId, rate: 5, quantity: 1 }],
      });
      assert.equal(updated.body.message, 'Invoice information has been updated.');
      assert.equal(updated.body.invoice.line_items[0].line_item_id, lineId);
      assert.equal(updated.body.invoice.line_items[0].discount, '10%');
      assert.equal(updated.body.invoice.line_items[0].item_total, 9);
      assert.notEqual(updated.body.invoice.line_items[1].line_item_id, lineId);
      assert.equal(updated.body.invoice.total, 18.98);
    });

    it('moves through sent, void and draft, refuses edits when void and deletes when unpaid', async () => {
      const id = (await books.post('/invoices', fixtureBody())).body.invoice.invoice_id;
      assert.equal((await books.post(`/invoices/${id}/status/sent`)).body.message, 'Invoice status has been changed to Sent.');
      assert.equal((await books.get(`/invoices/${id}`)).body.invoice.status, 'overdue'); // due 2025-01-29
      assert.equal((await books.post(`/invoices/${id}/status/void`)).body.message, 'Invoice status has been changed to Void.');
      const edit = await books.put(`/invoices/${id}`, { notes: 'x' });
      assert.equal(edit.status, 400);
      assert.equal((await books.post(`/invoices/${id}/status/draft`)).status, 200);
      assert.equal((await books.get(`/invoices/${id}`)).body.invoice.status, 'draft');
      const deleted = await books.delete(`/invoices/${id}`);
      assert.deepEqual(deleted.body, { code: 0, message: 'The invoice has been deleted.' });
      assert.equal((await books.get(`/invoices/${id}`)).status, 404);
    });

    it('applies payments to balance and status, and then blocks deletion', async () => {
      const id = (await books.post('/invoices', { ...fixtureBody(), date: '2999-01-01' })).body.invoice.invoice_id;
      const partial = await books.post('/customerpayments', {
        customer_id: customerId,
        payment_mode: 'creditcard',
        amount: 10,
        date: '2025-01-15',
        invoices: [{ invoice_id: id, amount_applied: 10 }],
      });
      assert.equal(partial.status, 201);
      assert.equal(partial.body.message, 'The payment has been created.');
      let invoice = (await books.get(`/invoices/${id}`)).body.invoice;
      assert.equal(invoice.status, 'partially_paid');
      assert.equal(invoice.balance, 24.98);
      await books.post('/customerpayments', {
        customer_id: customerId,
        payment_mode: 'cash',
        amount: 24.98,
        date: '2025-01-15',
        invoices: [{ invoice_id: id, amount_applied: 24.98 }],
      });
      invoice = (await books.get(`/invoices/${id}`)).body.invoice;
      assert.equal(invoice.status, 'paid');
      assert.equal(invoice.balance, 0);
      const blocked = await books.delete(`/invoices/${id}`);
      assert.equal(blocked.status, 400);
      assert.match(blocked.body.message, /cannot be deleted/);
    });
  });
});
