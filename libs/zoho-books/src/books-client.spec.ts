import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PermanentError, TransientError } from '@connector/common';
import { ZohoBooksClient } from './books-client';
import {
  ZohoApiError,
  ZohoDailyQuotaExceeded,
  ZohoDuplicateContactNameError,
  ZohoEndpointNotAllowedError,
  ZohoNotFoundError,
  ZohoOrganizationRequiredError,
  ZohoConcurrencyLimitedError,
  ZohoRateLimitedError,
  ZohoUnavailableError,
} from './errors';
import type { ZohoCallRecord, ZohoSession } from './session';
import type { ZohoCustomerPaymentInput } from './types';
import { zohoFixture } from './testing/zoho-fixtures';
import { startStubServer, StubReply, StubRequest, StubServer } from '@connector/testing';

const ORG = '20051234567';
const fixture = zohoFixture;

/** A session handing out numbered tokens; `invalidate` moves on to the next one. */
class CountingSession implements ZohoSession {
  generation = 1;
  invalidated: string[] = [];
  constructor(private readonly apiDomain: () => string) {}
  async getAccessToken() {
    return { accessToken: `token-${this.generation}`, apiDomain: this.apiDomain() };
  }
  async invalidate(accessToken: string) {
    this.invalidated.push(accessToken);
    this.generation++;
  }
}

describe('ZohoBooksClient', () => {
  let server: StubServer;
  let handler: (request: StubRequest) => StubReply;
  let session: CountingSession;
  let calls: ZohoCallRecord[];
  let acquired: string[];
  let books: ZohoBooksClient;

  before(async () => {
    server = await startStubServer((request) => handler(request));
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    session = new CountingSession(() => server.url);
    calls = [];
    acquired = [];
    books = new ZohoBooksClient({
      session,
      organizationId: ORG,
      allowPrivate: true,
      timeoutMs: 1000,
      onCall: (record) => calls.push(record),
      rateLimiter: { acquire: async (key) => void acquired.push(key) },
    });
  });

  async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
    const error = await promise.then(
      () => assert.fail('expected a rejection'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return error;
  }

  it('calls <apiDomain>/books/v3 with the token header and organization_id', async () => {
    handler = () => ({ json: fixture('invoice-create-response.json') });
    const invoice = await books.getInvoice('5551230000000400001');

    assert.equal(invoice.invoice_number, 'WC-1042');
    const [request] = server.requests;
    assert.equal(request!.path, '/books/v3/invoices/5551230000000400001');
    assert.equal(request!.headers.authorization, 'Zoho-oauthtoken token-1');
    assert.equal(request!.query.get('organization_id'), ORG);
    assert.deepEqual(acquired, [ORG]);
  });

  it('gives the limiter its slot back once each exchange is over, answered or failed', async () => {
    let open = 0;
    let releases = 0;
    const limited = new ZohoBooksClient({
      session,
      organizationId: ORG,
      allowPrivate: true,
      timeoutMs: 200,
      rateLimiter: {
        acquire: async () => {
          open++;
          return () => {
            open--;
            releases++;
          };
        },
      },
    });
    handler = () => ({ json: fixture('invoice-create-response.json') });
    await limited.getInvoice('1');
    handler = () => ({ status: 500, json: { code: 1, message: 'boom' } });
    await limited.getInvoice('2').catch(() => undefined);
    handler = () => ({ json: {}, delayMs: 500 });
    await limited.getInvoice('3').catch(() => undefined);
    assert.equal(open, 0);
    assert.ok(releases >= 3);
  });

  it('keeps big integer ids exact', async () => {
    handler = () => ({
      raw: '{"code":0,"message":"success","contact":{"contact_id":5551230000000100001234,"contact_name":"Jane",' +
        '"contact_persons":[{"contact_person_id":9007199254740993}]}}',
    });
    const contact = await books.getContact('x');
    assert.equal(contact.contact_id, '5551230000000100001234');
    assert.equal(contact.contact_persons![0]!.contact_person_id, '9007199254740993');
  });

  it('on 401 code 57 invalidates the token and retries exactly once', async () => {
    handler = (request) =>
      request.headers.authorization === 'Zoho-oauthtoken token-1'
        ? { status: 401, json: fixture('error-not-authorized-57.json') }
        : { json: fixture('item-create-response.json') };
    const item = await books.getItem('5551230000000300001');

    assert.equal(item.sku, 'MUG-BLUE-350');
    assert.deepEqual(session.invalidated, ['token-1']);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1]!.headers.authorization, 'Zoho-oauthtoken token-2');
  });

  it('retries code 14 the same way, with each fresh token, and gives up after three more refusals', async () => {
    handler = () => ({ status: 401, json: fixture('error-unauthenticated-14.json') });
    const error = await rejection(books.getItem('1'), ZohoApiError);

    assert.ok(error instanceof PermanentError);
    assert.equal(error.status, 401);
    assert.equal(error.zohoCode, 14);
    assert.equal(server.requests.length, 4);
    assert.deepEqual(session.invalidated, ['token-1', 'token-2', 'token-3']);
    assert.match(error.message, /could not be authenticated/);
  });

  it('gives up at once when the same token is refused again (the session has no other)', async () => {
    handler = () => ({ status: 401, json: fixture('error-not-authorized-57.json') });
    const stuck: ZohoSession = { getAccessToken: async () => ({ accessToken: 'only-token', apiDomain: server.url }), invalidate: async () => undefined };
    const client = new ZohoBooksClient({ session: stuck, organizationId: '10234695', allowPrivate: true });
    await rejection(client.getItem('1'), ZohoApiError);
    assert.equal(server.requests.length, 1, 'no second call with a token already refused');
  });

  it('refreshes once: a token minted for this call refused too is a permission error, reported as such and kept', async () => {
    handler = () => ({ status: 401, json: fixture('error-not-authorized-57.json') });
    const reports: Array<[string, boolean]> = [];
    let current = 'token-1';
    const minting: ZohoSession = {
      getAccessToken: async () => ({ accessToken: current, apiDomain: server.url }),
      invalidate: async (accessToken, options) => {
        reports.push([accessToken, options?.freshTokenRefused === true]);
        if (options?.freshTokenRefused) return { dropped: false };
        current = 'token-2';
        return { dropped: true };
      },
    };
    const client = new ZohoBooksClient({ session: minting, organizationId: '10234695', allowPrivate: true });
    const error = await rejection(client.getItem('1'), ZohoApiError);
    assert.match(error.message, /scope/);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(reports, [['token-1', false], ['token-2', true]]);
    assert.equal(current, 'token-2', 'the fresh token stays for the calls it may make');
  });

  it('replaces an older token it held and then the current one, but still asks Zoho with only one new token', async () => {
    handler = (request) => (request.headers.authorization === 'Zoho-oauthtoken token-4' ? { json: fixture('item-create-response.json') } : { status: 401, json: fixture('error-not-authorized-57.json') });
    let current = 'token-1';
    const session: ZohoSession = {
      getAccessToken: async () => ({ accessToken: current, apiDomain: server.url }),
      invalidate: async (accessToken, options) => {
        if (options?.freshTokenRefused) return { dropped: false };
        if (accessToken === 'token-1') {
          current = 'token-2'; // another caller refreshed meanwhile: token-1 was no longer current
          return { dropped: false };
        }
        current = accessToken === 'token-2' ? 'token-3' : 'token-4';
        return { dropped: true };
      },
    };
    const client = new ZohoBooksClient({ session, organizationId: '10234695', allowPrivate: true });
    await rejection(client.getItem('1'), ZohoApiError);
    assert.deepEqual(server.requests.map((r) => r.headers.authorization), ['Zoho-oauthtoken token-1', 'Zoho-oauthtoken token-2', 'Zoho-oauthtoken token-3']);
  });

  it('maps 429 code 44 to a transient error honouring Retry-After', async () => {
    handler = () => ({ status: 429, headers: { 'Retry-After': '30' }, json: fixture('error-rate-limit-per-minute-44.json') });
    const error = await rejection(books.getItem('1'), ZohoRateLimitedError);
    assert.ok(error instanceof TransientError);
    assert.equal(error.retryAfterMs, 30_000);
    assert.equal(error.code, '44');
    assert.equal(server.requests.length, 1, 'no in-call retry burns more quota');
  });

  it('without Retry-After waits out the limit window, ignoring the daily X-Rate-Limit-Reset', async () => {
    handler = () => ({ status: 429, json: fixture('error-rate-limit-per-minute-44.json') });
    assert.equal((await rejection(books.getItem('1'), ZohoRateLimitedError)).retryAfterMs, 60_000);

    handler = () => ({ status: 429, headers: { 'X-Rate-Limit-Reset': '34881' }, json: fixture('error-rate-limit-per-minute-44.json') });
    assert.equal((await rejection(books.getItem('1'), ZohoRateLimitedError)).retryAfterMs, 60_000);

    handler = () => ({ status: 429, headers: { 'X-Rate-Limit-Reset': '34881' }, json: fixture('error-concurrency-1070.json') });
    assert.equal((await rejection(books.getItem('1'), ZohoConcurrencyLimitedError)).retryAfterMs, 5_000);

    handler = () => ({ status: 429, json: fixture('error-concurrency-1070.json') });
    assert.equal((await rejection(books.getItem('1'), ZohoConcurrencyLimitedError)).retryAfterMs, 5_000);
  });

  it('a per-minute 429 blocks the organization before its slot is freed; a 1070 narrows the calls in flight and blocks nobody', async () => {
    const events: string[] = [];
    const limited = new ZohoBooksClient({
      session, organizationId: ORG, allowPrivate: true,
      rateLimiter: {
        acquire: async () => () => void events.push('release'),
        block: async (key, ms) => void events.push(`block ${key} ${ms}`),
        concurrencyRefused: (key) => void events.push(`fewer in flight ${key}`),
      },
    });
    handler = () => ({ status: 429, headers: { 'Retry-After': '30' }, json: fixture('error-rate-limit-per-minute-44.json') });
    await rejection(limited.getItem('1'), ZohoRateLimitedError);
    assert.deepEqual(events, [`block ${ORG} 30000`, 'release']);
    events.length = 0;
    handler = () => ({ status: 429, json: fixture('error-concurrency-1070.json') });
    await rejection(limited.getItem('1'), ZohoConcurrencyLimitedError);
    assert.deepEqual(events, [`fewer in flight ${ORG}`, 'release']);
  });

  it('maps the daily quota (45) to ZohoDailyQuotaExceeded until the reset', async () => {
    handler = () => ({ status: 429, headers: { 'X-Rate-Limit-Reset': '7200' }, json: fixture('error-rate-limit-daily-45.json') });
    const error = await rejection(books.getItem('1'), ZohoDailyQuotaExceeded);
    assert.ok(error instanceof TransientError);
    assert.equal(error.retryAfterMs, 7_200_000);
    assert.match(error.message, /maximum call rate limit of 1000/);

    handler = () => ({ status: 429, json: fixture('error-rate-limit-daily-45.json') });
    assert.equal((await rejection(books.getItem('1'), ZohoDailyQuotaExceeded)).retryAfterMs, 3_600_000);
  });

  describe('Zoho\'s count of the daily quota (X-Rate-Limit-*)', () => {
    let readings: Array<[string, unknown]>;
    let counted: ZohoBooksClient;
    const quotaHeaders = { 'X-Rate-Limit-Limit': '5000', 'X-Rate-Limit-Remaining': '4321', 'X-Rate-Limit-Reset': '34881' };

    beforeEach(() => {
      readings = [];
      counted = new ZohoBooksClient({
        session,
        organizationId: ORG,
        allowPrivate: true,
        timeoutMs: 1000,
        rateLimiter: { acquire: async () => undefined, block: async () => undefined, recordQuota: (key, reading) => void readings.push([key, reading]) },
      });
    });

    it('hands every response\'s reading to the limiter, the refusals included', async () => {
      handler = () => ({ headers: quotaHeaders, json: fixture('invoice-create-response.json') });
      await counted.getInvoice('1');
      assert.deepEqual(readings, [[ORG, { limit: 5000, remaining: 4321, resetInMs: 34_881_000 }]]);

      handler = () => ({ status: 429, headers: { ...quotaHeaders, 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '7200' }, json: fixture('error-rate-limit-daily-45.json') });
      await rejection(counted.getItem('1'), ZohoDailyQuotaExceeded);
      assert.deepEqual(readings[1], [ORG, { limit: 5000, remaining: 0, resetInMs: 7_200_000 }]);
    });

    it('reports nothing when a header is missing or not a count, or for calls outside an organization', async () => {
      for (const headers of [{}, { ...quotaHeaders, 'X-Rate-Limit-Limit': undefined }, { ...quotaHeaders, 'X-Rate-Limit-Remaining': 'lots' }, { ...quotaHeaders, 'X-Rate-Limit-Reset': '-5' }]) {
        handler = () => ({ headers: Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>, json: fixture('invoice-create-response.json') });
        await counted.getInvoice('1');
      }
      handler = () => ({ headers: quotaHeaders, json: fixture('organizations-list-response.json') });
      await counted.listOrganizations();
      assert.deepEqual(readings, []);
    });

    it('a limiter that throws on a reading does not fail the call', async () => {
      const fragile = new ZohoBooksClient({
        session, organizationId: ORG, allowPrivate: true, timeoutMs: 1000,
        rateLimiter: { acquire: async () => undefined, recordQuota: () => { throw new Error('pool closed'); } },
      });
      handler = () => ({ headers: quotaHeaders, json: fixture('invoice-create-response.json') });
      assert.equal((await fragile.getInvoice('1')).invoice_number, 'WC-1042');
    });
  });

  it('maps 5xx and code 1000 to transient errors', async () => {
    handler = () => ({ status: 500, json: fixture('error-internal-1000.json') });
    await rejection(books.getItem('1'), ZohoUnavailableError);
    handler = () => ({ status: 502, raw: '<html>Bad Gateway</html>' });
    const error = await rejection(books.getItem('1'), ZohoUnavailableError);
    assert.match(error.message, /Bad Gateway/);
  });

  it('treats a non-zero code in a 2xx as an error', async () => {
    handler = () => ({ status: 200, json: { code: 4, message: 'Invalid value passed for rate' } });
    const error = await rejection(books.createItem({ name: 'Mug', rate: 1 }), ZohoApiError);
    assert.equal(error.status, 200);
    assert.equal(error.zohoCode, 4);
    assert.equal(error.upstreamMessage, 'Invalid value passed for rate');
    assert.match(error.message, /POST \/items failed: Invalid value passed for rate \(HTTP 200, code 4\)/);
  });

  it('maps 3062 to ZohoDuplicateContactNameError with the quoted name', async () => {
    handler = () => ({ status: 400, json: fixture('error-duplicate-contact-name-3062.json') });
    const error = await rejection(books.createContact({ contact_name: 'Jane Doe (woo #1042)' }), ZohoDuplicateContactNameError);
    assert.equal(error.contactName, 'Jane Doe (woo #1042)');
    assert.equal(error.code, '3062');
  });

  it('maps 404/1002 to ZohoNotFoundError', async () => {
    handler = () => ({ status: 404, json: fixture('error-not-found-1002.json') });
    const error = await rejection(books.getInvoice('404'), ZohoNotFoundError);
    assert.equal(error.upstreamMessage, 'Invoice does not exist.');
  });

  it('maps 6024 to an error listing the organizations', async () => {
    handler = () => ({ status: 400, json: fixture('error-multiple-organizations-6024.json') });
    const unscoped = new ZohoBooksClient({ session, allowPrivate: true });
    const error = await rejection(unscoped.listTaxes(), ZohoOrganizationRequiredError);
    assert.equal(error.organizations.length, 2);
    assert.match(error.message, /Example Shop Ltd \(20051234567, default\)/);
    assert.match(error.message, /Example Shop Sandbox \(20059876543\)/);
    assert.equal(server.requests[0]!.query.get('organization_id'), null);
  });

  it('does not follow redirects', async () => {
    handler = () => ({ status: 302, headers: { Location: 'https://elsewhere.example/' } });
    const error = await rejection(books.getItem('1'), ZohoApiError);
    assert.equal(error.status, 302);
    assert.equal(server.requests.length, 1);
  });

  it('turns a timeout into a transient error', async () => {
    handler = () => ({ delayMs: 1500, json: fixture('item-create-response.json') });
    const error = await rejection(books.getItem('1'), ZohoUnavailableError);
    assert.equal(error.code, 'timeout');
    assert.equal(calls.at(-1)!.status, undefined);
    assert.match(calls.at(-1)!.error!, /no answer within 1 s/);
  });

  it('refuses to send the token to an API domain that is not Zoho', async () => {
    const forged = new ZohoBooksClient({ session: new CountingSession(() => 'https://collector.attacker.example'), organizationId: ORG });
    await rejection(forged.getItem('1'), ZohoEndpointNotAllowedError);
    const strict = new ZohoBooksClient({ session, organizationId: ORG, allowPrivate: false });
    await rejection(strict.getItem('1'), ZohoEndpointNotAllowedError);
    assert.equal(server.requests.length, 0);
  });

  it('reports every exchange to onCall without the token', async () => {
    handler = (request) =>
      request.headers.authorization === 'Zoho-oauthtoken token-1'
        ? { status: 401, json: fixture('error-not-authorized-57.json') }
        : { status: 201, json: fixture('invoice-create-response.json') };
    const body = fixture('invoice-create-request.json') as never;
    await books.createInvoice(body, { ignoreAutoNumberGeneration: true });

    assert.equal(calls.length, 2);
    assert.deepEqual(
      calls.map(({ method, path, status, code }) => ({ method, path, status, code })),
      [
        { method: 'POST', path: '/invoices', status: 401, code: 57 },
        { method: 'POST', path: '/invoices', status: 201, code: 0 },
      ],
    );
    assert.deepEqual(calls[1]!.query, { ignore_auto_number_generation: 'true', organization_id: ORG });
    assert.deepEqual(calls[1]!.requestBody, body);
    assert.equal((calls[1]!.responseBody as { invoice: { invoice_id: string } }).invoice.invoice_id, '5551230000000400001');
    assert.ok(calls.every((call) => call.durationMs >= 0));
    assert.ok(!JSON.stringify(calls).includes('token-'));
    assert.deepEqual(JSON.parse(server.requests[1]!.body), body);
    assert.equal(server.requests[1]!.headers['content-type'], 'application/json');
  });

  it('iterates items over three pages', async () => {
    handler = (request) => {
      const page = Number(request.query.get('page'));
      return {
        json: {
          code: 0,
          message: 'success',
          items: [{ item_id: `${page}01`, name: `Item ${page}`, rate: page }],
          page_context: { page, per_page: 200, has_more_page: page < 3 },
        },
      };
    };
    const names: string[] = [];
    for await (const item of books.listItems()) names.push(item.name);

    assert.deepEqual(names, ['Item 1', 'Item 2', 'Item 3']);
    assert.deepEqual(server.requests.map((request) => request.query.get('page')), ['1', '2', '3']);
    assert.ok(server.requests.every((request) => request.query.get('per_page') === '200'));
  });

  it('verifies contact emails client-side, ignoring case', async () => {
    const listed = fixture('contacts-list-response.json') as { contacts: Array<Record<string, unknown>> };
    handler = () => ({
      json: { ...listed, contacts: [listed.contacts[0], { ...listed.contacts[0], contact_id: '2', email: 'jane.doe@example.test.other' }] },
    });
    const found = await books.findContactsByEmail('Jane.Doe@Example.TEST');
    assert.deepEqual(found.map((contact) => contact.contact_id), ['5551230000000100001']);
    assert.equal(server.requests[0]!.query.get('email'), 'Jane.Doe@Example.TEST');
  });

  it('finds contacts by name preferring the exact-case match', async () => {
    handler = () => ({
      json: {
        code: 0,
        message: 'success',
        contacts: [
          { contact_id: '1', contact_name: 'jane doe' },
          { contact_id: '2', contact_name: 'Jane Doe' },
        ],
      },
    });
    assert.equal((await books.findContactByName('Jane Doe'))?.contact_id, '2');
    assert.equal((await books.findContactByName('JANE DOE'))?.contact_id, '1');
    assert.equal(await books.findContactByName('John'), undefined);
  });

  it('matches invoice references exactly', async () => {
    const listed = fixture('invoices-list-response.json') as { invoices: Array<Record<string, unknown>> };
    handler = () => ({
      json: { ...listed, invoices: [...listed.invoices, { ...listed.invoices[0], invoice_id: '2', reference_number: 'woo-order-10420' }] },
    });
    const found = await books.findInvoicesByReference('woo-order-1042');
    assert.deepEqual(found.map((invoice) => invoice.invoice_id), ['5551230000000400001']);
    assert.equal(server.requests[0]!.query.get('reference_number'), 'woo-order-1042');
  });

  it('finds items by name ignoring case', async () => {
    handler = () => ({ json: fixture('items-list-response.json') });
    assert.equal((await books.findItemsByName('blue mug 350ML')).length, 1);
    assert.equal((await books.findItemsByName('Blue Mug')).length, 0);
  });

  it('asks for inactive contacts and items too in every lookup that must see them (filter_by has no documented default)', async () => {
    handler = (request) => ({ json: { code: 0, message: 'success', [request.path.endsWith('/contacts') ? 'contacts' : 'items']: [] } });
    await books.findContactsByEmail('jane@example.test');
    await books.findContactByName('Jane Doe');
    await books.findItemsByName('Blue Mug');
    await books.searchItems('MUG-1');
    for await (const item of books.listItems()) assert.fail(`unexpected item ${item.item_id}`);

    assert.deepEqual(
      server.requests.map((request) => `${request.path} ${request.query.get('filter_by')}`),
      [
        '/books/v3/contacts Status.All',
        '/books/v3/contacts Status.All',
        '/books/v3/items Status.All',
        '/books/v3/items Status.All',
        '/books/v3/items Status.All',
      ],
    );
  });

  it('drives invoice status changes and deletion', async () => {
    handler = (request) =>
      request.method === 'DELETE'
        ? { json: fixture('invoice-delete-response.json') }
        : { json: request.path.endsWith('/void') ? fixture('invoice-void-response.json') : fixture('invoice-mark-sent-response.json') };
    await books.markInvoiceSent('7');
    await books.voidInvoice('7');
    await books.markInvoiceDraft('7');
    await books.deleteInvoice('7');
    assert.deepEqual(
      server.requests.map((request) => `${request.method} ${request.path}`),
      ['POST /books/v3/invoices/7/status/sent', 'POST /books/v3/invoices/7/status/void', 'POST /books/v3/invoices/7/status/draft', 'DELETE /books/v3/invoices/7'],
    );
  });

  it('lists taxes and currencies', async () => {
    handler = (request) =>
      request.path.endsWith('/taxes')
        ? { json: fixture('taxes-list-response.json') }
        : { json: { code: 0, message: 'success', currencies: [{ currency_id: '5551230000000000097', currency_code: 'GBP', is_base_currency: true }] } };
    const taxes = await books.listTaxes();
    assert.deepEqual(taxes.map((tax) => [tax.tax_name, tax.tax_percentage]), [['Standard Rate', 20], ['Zero Rate', 0]]);
    const [currency] = await books.listCurrencies();
    assert.equal(currency!.currency_code, 'GBP');
  });

  describe('currencies and exchange rates', () => {
    const EUR = '5551230000000000099';
    const rateRow = (effective_date: string, rate: number) => ({ exchange_rate_id: `r-${effective_date}`, currency_id: EUR, currency_code: 'EUR', effective_date, rate });

    it('lists the rates of a currency over every page, newest first as Zoho sends them', async () => {
      handler = (request) => {
        const page = Number(request.query.get('page'));
        const rows = page === 1 ? [rateRow('2026-11-25', 0.8567), rateRow('2026-06-01', 0.88)] : [rateRow('2026-01-01', 0.9)];
        return { json: { code: 0, message: 'success', exchange_rates: rows, page_context: { page, per_page: 200, has_more_page: page < 2 } } };
      };
      const rates = await books.listExchangeRates(EUR);

      assert.deepEqual(rates.map((r) => [r.effective_date, r.rate]), [['2026-11-25', 0.8567], ['2026-06-01', 0.88], ['2026-01-01', 0.9]]);
      assert.deepEqual(server.requests.map((request) => `${request.method} ${request.path}`), [
        `GET /books/v3/settings/currencies/${EUR}/exchangerates`,
        `GET /books/v3/settings/currencies/${EUR}/exchangerates`,
      ]);
      assert.deepEqual(
        server.requests.map((request) => Object.fromEntries(request.query)),
        [1, 2].map((page) => ({ page: String(page), per_page: '200', organization_id: ORG })),
      );
    });

    it('sends fromDate as from_date, and encodes the currency id', async () => {
      handler = () => ({ json: { code: 0, message: 'success', exchange_rates: [rateRow('2026-11-25', 0.8567)], page_context: { page: 1, per_page: 200, has_more_page: false } } });
      const rates = await books.listExchangeRates('a/b', { fromDate: '2026-11-01' });

      assert.equal(rates.length, 1);
      const [request] = server.requests;
      assert.equal(request!.path, '/books/v3/settings/currencies/a%2Fb/exchangerates');
      assert.deepEqual(Object.fromEntries(request!.query), { from_date: '2026-11-01', page: '1', per_page: '200', organization_id: ORG });
    });

    it('refuses a list response without the exchange_rates list, and fails permanently on a 400', async () => {
      handler = () => ({ json: { code: 0, message: 'success', exchange_rate: rateRow('2026-11-25', 0.8567) } });
      const shape = await rejection(books.listExchangeRates(EUR), ZohoApiError);
      assert.match(shape.message, /no "exchange_rates" list/);
      handler = () => ({ status: 400, json: { code: 2, message: 'Invalid value passed for from_date. Use the format yyyy-mm-dd.' } });
      await rejection(books.listExchangeRates(EUR, { fromDate: '25/11/2026' }), PermanentError);
    });
  });

  describe('customer payments', () => {
    /** The payment of shared/fixtures/zoho/customerpayment-create-response.json, with `fields` over it. */
    const payment = (fields: Record<string, unknown> = {}) => ({
      ...(fixture('customerpayment-create-response.json') as { payment: Record<string, unknown> }).payment,
      ...fields,
    });

    it('records a payment with the fixture body and answers the fixture payment', async () => {
      handler = () => ({ status: 201, json: fixture('customerpayment-create-response.json') });
      const body = fixture('customerpayment-create-request.json') as ZohoCustomerPaymentInput;
      const created = await books.createCustomerPayment(body);

      assert.equal(created.payment_id, '5551230000000600001');
      assert.deepEqual(
        created.invoices?.map((entry) => [entry.invoice_id, entry.amount_applied, entry.balance_amount]),
        [['5551230000000400001', 34.98, 0]],
      );
      const [request] = server.requests;
      assert.equal(`${request!.method} ${request!.path}`, 'POST /books/v3/customerpayments');
      assert.deepEqual(Object.fromEntries(request!.query), { organization_id: ORG });
      assert.deepEqual(JSON.parse(request!.body), body);
      assert.equal(request!.headers['content-type'], 'application/json');
    });

    it('applies a payment anew with the whole create body, and answers the payment', async () => {
      handler = () => ({ json: { code: 0, message: 'The payment has been updated.', payment: payment({ invoices: [{ invoice_id: '5551230000000400001', amount_applied: 20, balance_amount: 0 }] }) } });
      const body = { ...(fixture('customerpayment-create-request.json') as ZohoCustomerPaymentInput), invoices: [{ invoice_id: '5551230000000400001', amount_applied: 20 }] };
      const updated = await books.updateCustomerPayment('5551230000000600001', body);

      assert.deepEqual(updated.invoices?.map((entry) => entry.amount_applied), [20]);
      const [request] = server.requests;
      assert.equal(`${request!.method} ${request!.path}`, 'PUT /books/v3/customerpayments/5551230000000600001');
      assert.deepEqual(JSON.parse(request!.body), body);
    });

    it('finds payments by exact reference over every page', async () => {
      handler = (request) => {
        const page = Number(request.query.get('page'));
        const rows =
          page === 1
            ? [payment({ reference_number: '1042-P' }), payment({ payment_id: '2', reference_number: '1042-PX' })]
            : [payment({ payment_id: '3', reference_number: '1042-P' })];
        return { json: { code: 0, message: 'success', customerpayments: rows, page_context: { page, per_page: 200, has_more_page: page < 2 } } };
      };
      const found = await books.findPaymentsByReference('1042-P');

      assert.deepEqual(found.map((p) => p.payment_id), ['5551230000000600001', '3']);
      assert.deepEqual(server.requests.map((request) => request.path), ['/books/v3/customerpayments', '/books/v3/customerpayments']);
      assert.deepEqual(server.requests.map((request) => request.query.get('page')), ['1', '2']);
      assert.ok(server.requests.every((request) => request.query.get('reference_number') === '1042-P'));
    });

    it('gets and deletes a payment, and maps an unknown one to ZohoNotFoundError', async () => {
      handler = () => ({ json: { code: 0, message: 'success', payment: payment() } });
      assert.equal((await books.getCustomerPayment('5551230000000600001')).amount, 34.98);
      handler = () => ({ json: { code: 0, message: 'The payment has been deleted.' } });
      await books.deleteCustomerPayment('5551230000000600001');
      assert.deepEqual(
        server.requests.map((request) => `${request.method} ${request.path}`),
        ['GET /books/v3/customerpayments/5551230000000600001', 'DELETE /books/v3/customerpayments/5551230000000600001'],
      );

      handler = () => ({ status: 404, json: { code: 1002, message: 'Payment does not exist.' } });
      const error = await rejection(books.getCustomerPayment('404'), ZohoNotFoundError);
      assert.equal(error.upstreamMessage, 'Payment does not exist.');
    });

    it('fails permanently when Zoho refuses the payment', async () => {
      handler = () => ({
        status: 400,
        json: { code: 2, message: 'Invalid value passed for invoices[0].amount_applied. The amount applied exceeds the balance due of the invoice.' },
      });
      const body: ZohoCustomerPaymentInput = {
        customer_id: '1',
        payment_mode: 'cash',
        amount: 9,
        date: '2026-01-01',
        invoices: [{ invoice_id: '8', amount_applied: 9 }],
      };
      const error = await rejection(books.createCustomerPayment(body), ZohoApiError);
      assert.ok(error instanceof PermanentError);
      assert.equal(error.zohoCode, 2);
      assert.match(error.message, /POST \/customerpayments failed: .*exceeds the balance due/);
      assert.equal(server.requests.length, 1);
    });
  });

  describe('credit notes', () => {
    /** As shared/fixtures/zoho/creditnote-apply-to-invoice-request.json and -response.json. */
    const applyRequest = { invoices: [{ invoice_id: '5551230000000400001', amount_applied: 10.0 }] };
    const applyResponse = { code: 0, message: 'Credits have been applied to the invoice(s).' };
    const creditNote = (fields: Record<string, unknown> = {}) => ({
      creditnote_id: '5551230000000500001',
      creditnote_number: 'CN-00001',
      reference_number: 'woo-refund-1042-1',
      status: 'open',
      date: '2025-01-20',
      customer_id: '5551230000000100001',
      total: 30,
      balance: 30,
      ...fields,
    });

    it('creates a credit note against an invoice with our own number', async () => {
      handler = () => ({
        status: 201,
        raw:
          '{"code":0,"message":"The credit note has been created.","creditnote":{"creditnote_id":5551230000000500001234,' +
          '"creditnote_number":"WC-CN-1042","status":"open","date":"2025-01-20","customer_id":"5551230000000100001",' +
          '"invoice_id":"5551230000000400001","invoice_number":"WC-1042","total":30,"balance":30}}',
      });
      const body = {
        customer_id: '5551230000000100001',
        creditnote_number: 'WC-CN-1042',
        reference_number: 'woo-refund-1042-1',
        is_inclusive_tax: false,
        line_items: [{ item_id: '5551230000000300001', rate: 12.5, quantity: 2, tax_id: '5551230000000000201' }],
        adjustment: -0.01,
      };
      const created = await books.createCreditNote(body, { invoiceId: '5551230000000400001', ignoreAutoNumberGeneration: true });

      assert.equal(created.creditnote_id, '5551230000000500001234', 'a big id stays an exact string');
      assert.equal(created.invoice_number, 'WC-1042');
      const [request] = server.requests;
      assert.equal(`${request!.method} ${request!.path}`, 'POST /books/v3/creditnotes');
      assert.deepEqual(Object.fromEntries(request!.query), {
        ignore_auto_number_generation: 'true',
        invoice_id: '5551230000000400001',
        organization_id: ORG,
      });
      assert.deepEqual(JSON.parse(request!.body), body);
      assert.equal(request!.headers['content-type'], 'application/json');
    });

    it('leaves numbering to Zoho and sends no invoice_id without options', async () => {
      handler = () => ({ status: 201, json: { code: 0, message: 'The credit note has been created.', creditnote: creditNote() } });
      const created = await books.createCreditNote({ customer_id: '1', line_items: [{ name: 'Refunded shipping', rate: 4.99, quantity: 1 }] });
      assert.equal(created.creditnote_number, 'CN-00001');
      assert.deepEqual(Object.fromEntries(server.requests[0]!.query), { organization_id: ORG });
    });

    it('finds credit notes by exact reference over every page', async () => {
      handler = (request) => {
        const page = Number(request.query.get('page'));
        const rows =
          page === 1
            ? [creditNote(), creditNote({ creditnote_id: '2', reference_number: 'woo-refund-1042-10' })]
            : [creditNote({ creditnote_id: '3', creditnote_number: 'CN-00003' })];
        return { json: { code: 0, message: 'success', creditnotes: rows, page_context: { page, per_page: 200, has_more_page: page < 2 } } };
      };
      const found = await books.findCreditNotesByReference('woo-refund-1042-1');

      assert.deepEqual(found.map((note) => note.creditnote_id), ['5551230000000500001', '3']);
      assert.deepEqual(server.requests.map((request) => request.path), ['/books/v3/creditnotes', '/books/v3/creditnotes']);
      assert.deepEqual(server.requests.map((request) => request.query.get('page')), ['1', '2']);
      assert.ok(server.requests.every((request) => request.query.get('reference_number') === 'woo-refund-1042-1'));
    });

    it('gets a credit note, and maps an unknown one to ZohoNotFoundError', async () => {
      handler = () => ({ json: { code: 0, message: 'success', creditnote: creditNote({ status: 'closed', balance: 0 }) } });
      const found = await books.getCreditNote('5551230000000500001');
      assert.deepEqual([found.status, found.balance], ['closed', 0]);
      assert.equal(server.requests[0]!.path, '/books/v3/creditnotes/5551230000000500001');

      handler = () => ({ status: 404, json: { code: 1002, message: 'Credit Note does not exist.' } });
      const error = await rejection(books.getCreditNote('404'), ZohoNotFoundError);
      assert.equal(error.upstreamMessage, 'Credit Note does not exist.');
    });

    it('refuses a credit note response without the creditnote object', async () => {
      handler = () => ({ json: { code: 0, message: 'success' } });
      const error = await rejection(books.getCreditNote('1'), ZohoApiError);
      assert.match(error.message, /no "creditnote" object/);
    });

    it('applies credits with the fixture body', async () => {
      handler = () => ({ json: applyResponse });
      await books.applyCreditNoteToInvoices('5551230000000500001', applyRequest.invoices);
      const [request] = server.requests;
      assert.equal(`${request!.method} ${request!.path}`, 'POST /books/v3/creditnotes/5551230000000500001/invoices');
      assert.deepEqual(JSON.parse(request!.body), applyRequest);
      assert.equal(request!.query.get('organization_id'), ORG);
    });

    it('fails permanently when Zoho refuses to apply credits', async () => {
      handler = () => ({
        status: 400,
        json: { code: 2, message: 'Invalid value passed for invoices[0].amount_applied. The amount applied exceeds the balance due of the invoice.' },
      });
      const error = await rejection(books.applyCreditNoteToInvoices('7', [{ invoice_id: '8', amount_applied: 99 }]), ZohoApiError);
      assert.ok(error instanceof PermanentError);
      assert.equal(error.zohoCode, 2);
      assert.match(error.message, /POST \/creditnotes\/7\/invoices failed: .*exceeds the balance due/);
      assert.equal(server.requests.length, 1);
    });

    it('voids a credit note', async () => {
      handler = () => ({ json: { code: 0, message: 'The credit note has been voided.' } });
      await books.voidCreditNote('5551230000000500001');
      assert.deepEqual(
        server.requests.map((request) => `${request.method} ${request.path}`),
        ['POST /books/v3/creditnotes/5551230000000500001/status/void'],
      );
    });

    it('treats a void answered with a non-zero code as failed', async () => {
      handler = () => ({ status: 200, json: { code: 1002, message: 'Credit Note does not exist.' } });
      await rejection(books.voidCreditNote('1'), ZohoNotFoundError);
    });

    it('fails permanently when Zoho refuses to void a credit note with refunds', async () => {
      handler = () => ({
        status: 400,
        json: { code: 2, message: 'The credit note cannot be voided as refunds are recorded for it. Delete the refunds and try again.' },
      });
      const error = await rejection(books.voidCreditNote('7'), ZohoApiError);
      assert.ok(error instanceof PermanentError);
      assert.match(error.message, /POST \/creditnotes\/7\/status\/void failed: .*refunds are recorded/);
    });

    describe('refunds', () => {
      const refundRow = (fields: Record<string, unknown> = {}) => ({
        creditnote_refund_id: '5551230000000700001',
        creditnote_id: '5551230000000500001',
        date: '2025-02-03',
        refund_mode: 'creditcard',
        reference_number: '1042-R7',
        creditnote_number: 'CN-00001',
        customer_name: 'Jane Doe',
        description: 'Refund of order 1042',
        amount_bcy: 10,
        amount_fcy: 10,
        ...fields,
      });

      it('refunds a credit note with the body as given and answers the creditnote_refund', async () => {
        handler = () => ({
          status: 201,
          raw:
            '{"code":0,"message":"The refund information for this particular credit note has been recorded successfully.",' +
            '"creditnote_refund":{"creditnote_refund_id":5551230000000700001234,"creditnote_id":"5551230000000500001",' +
            '"date":"2025-02-03","refund_mode":"creditcard","reference_number":"1042-R7","creditnote_number":"CN-00001",' +
            '"customer_name":"Jane Doe","description":"Refund of order 1042","amount_bcy":10.5,"amount_fcy":10.5}}',
        });
        const body = {
          date: '2025-02-03',
          amount: 10.5,
          from_account_id: '460000000000358',
          refund_mode: 'creditcard' as const,
          reference_number: '1042-R7',
          description: 'Refund of order 1042',
        };
        const made = await books.refundCreditNote('5551230000000500001', body);

        assert.equal(made.creditnote_refund_id, '5551230000000700001234', 'a big id stays an exact string');
        assert.deepEqual([made.creditnote_id, made.date, made.refund_mode, made.reference_number, made.amount_bcy, made.amount_fcy], [
          '5551230000000500001',
          '2025-02-03',
          'creditcard',
          '1042-R7',
          10.5,
          10.5,
        ]);
        assert.equal(made.customer_name, 'Jane Doe');
        const [request] = server.requests;
        assert.equal(`${request!.method} ${request!.path}`, 'POST /books/v3/creditnotes/5551230000000500001/refunds');
        assert.deepEqual(Object.fromEntries(request!.query), { organization_id: ORG });
        assert.deepEqual(JSON.parse(request!.body), body);
        assert.equal(request!.headers['content-type'], 'application/json');
      });

      it('refuses a refund response without the creditnote_refund object', async () => {
        handler = () => ({ status: 201, json: { code: 0, message: 'recorded' } });
        const error = await rejection(books.refundCreditNote('1', { date: '2025-02-03', amount: 1, from_account_id: '2' }), ZohoApiError);
        assert.match(error.message, /no "creditnote_refund" object/);
      });

      it('fails permanently when Zoho refuses the refund (400)', async () => {
        handler = () => ({
          status: 400,
          json: { code: 2, message: 'Invalid value passed for amount. The amount refunded exceeds the balance of the credit note.' },
        });
        const error = await rejection(books.refundCreditNote('7', { date: '2025-02-03', amount: 99, from_account_id: '2' }), ZohoApiError);
        assert.ok(error instanceof PermanentError);
        assert.ok(!(error instanceof TransientError));
        assert.equal(error.zohoCode, 2);
        assert.match(error.message, /POST \/creditnotes\/7\/refunds failed: .*exceeds the balance of the credit note/);
        assert.equal(server.requests.length, 1);
      });

      it('lists the refunds of a credit note over every page', async () => {
        handler = (request) => {
          const page = Number(request.query.get('page'));
          const rows = page === 1 ? [refundRow(), refundRow({ creditnote_refund_id: '2' })] : [refundRow({ creditnote_refund_id: '3', amount_fcy: 1.25 })];
          return { json: { code: 0, message: 'success', creditnote_refunds: rows, page_context: { page, per_page: 200, has_more_page: page < 2 } } };
        };
        const listed = await books.listCreditNoteRefunds('5551230000000500001');

        assert.deepEqual(listed.map((r) => [r.creditnote_refund_id, r.amount_fcy]), [['5551230000000700001', 10], ['2', 10], ['3', 1.25]]);
        assert.deepEqual(server.requests.map((request) => `${request.method} ${request.path}`), [
          'GET /books/v3/creditnotes/5551230000000500001/refunds',
          'GET /books/v3/creditnotes/5551230000000500001/refunds',
        ]);
        assert.deepEqual(
          server.requests.map((request) => Object.fromEntries(request.query)),
          [1, 2].map((page) => ({ page: String(page), per_page: '200', organization_id: ORG })),
        );
      });

      it('refuses a list response without the creditnote_refunds list', async () => {
        handler = () => ({ json: { code: 0, message: 'success', creditnote_refund: refundRow() } });
        const error = await rejection(books.listCreditNoteRefunds('1'), ZohoApiError);
        assert.match(error.message, /no "creditnote_refunds" list/);
      });

      it('deletes a refund, and maps an unknown one to ZohoNotFoundError', async () => {
        handler = () => ({ json: { code: 0, message: 'The refund has been successfully deleted.' } });
        await books.deleteCreditNoteRefund('5551230000000500001', '5551230000000700001');
        const [request] = server.requests;
        assert.equal(`${request!.method} ${request!.path}`, 'DELETE /books/v3/creditnotes/5551230000000500001/refunds/5551230000000700001');
        assert.deepEqual(Object.fromEntries(request!.query), { organization_id: ORG });
        assert.equal(request!.body, '');

        handler = () => ({ status: 404, json: { code: 1002, message: 'Refund does not exist.' } });
        const error = await rejection(books.deleteCreditNoteRefund('5551230000000500001', '404'), ZohoNotFoundError);
        assert.equal(error.upstreamMessage, 'Refund does not exist.');
      });

      it('encodes ids into the path', async () => {
        handler = () => ({ json: { code: 0, message: 'The refund has been successfully deleted.' } });
        await books.deleteCreditNoteRefund('a/b', '1?x');
        assert.equal(server.requests[0]!.path, '/books/v3/creditnotes/a%2Fb/refunds/1%3Fx');
      });
    });
  });

  describe('resolveOrganizationId', () => {
    const organizations = (fixture('organizations-list-response.json') as { organizations: Array<Record<string, unknown>> }).organizations;
    const answer = (orgs: unknown[]) => {
      handler = () => ({ json: { code: 0, message: 'success', organizations: orgs } });
    };

    it('lists organizations without organization_id', async () => {
      answer(organizations);
      await books.listOrganizations();
      assert.equal(server.requests[0]!.query.get('organization_id'), null);
      assert.deepEqual(acquired, ['unscoped']);
    });

    it('takes the only organization, else the default, else the preferred one', async () => {
      answer([organizations[1]]);
      assert.equal(await books.resolveOrganizationId(), '20059876543');
      answer(organizations);
      assert.equal(await books.resolveOrganizationId(), '20051234567');
      assert.equal(await books.resolveOrganizationId('20059876543'), '20059876543');
    });

    it('fails clearly when the choice is ambiguous or the preferred one is unknown', async () => {
      answer(organizations.map((org) => ({ ...org, is_default_org: false })));
      const ambiguous = await rejection(books.resolveOrganizationId(), ZohoOrganizationRequiredError);
      assert.match(ambiguous.message, /several organizations.*Example Shop Ltd \(20051234567\), Example Shop Sandbox \(20059876543\)/);
      answer(organizations);
      const unknown = await rejection(books.resolveOrganizationId('999'), ZohoOrganizationRequiredError);
      assert.match(unknown.message, /999 is not one this Zoho user can access/);
    });
  });
});
