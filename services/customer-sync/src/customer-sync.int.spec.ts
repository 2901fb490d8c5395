import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplication } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders, NatsConnection } from '@nats-io/nats-core';
import {
  deliveryMessageId, EnsureContactReply, EnsureContactRequest, HEADERS, RPC, RpcReply, rpcSubject, subjects, Topology, WooBillingAddress, WooCustomer, ZohoSessionReply,
} from '@connector/contracts';
import { KeyRing, SecretBox } from '@connector/crypto';
import { NatsRpcClient } from '@connector/messaging';
import { ConnectionStore } from '@connector/persistence';
import { FakeZoho, ZohoContact } from '@connector/sandbox';
import {
  createTestDatabase, createTestTopology, eventually, PrivateNats, startPrivateNats, TestDatabase, TestTopology, testEncryptionKeys, wooFixture,
} from '@connector/testing';
import { startCustomerSync } from './main';

/*
 * customer-sync end to end: real JetStream and PostgreSQL, the sandbox's fake Zoho Books, and a
 * tiny stand-in for the token-service's session RPC. NATS is a private nats-server of this test:
 * RPC subjects are global (not per stream), so on a shared server another test's responder for
 * the same subject could answer this test's requests.
 */

const customerFixture = JSON.parse(wooFixture('customer').toString('utf8')) as WooCustomer;

interface AuditRow {
  action: string;
  outcome: string;
  message: string;
  detail: Record<string, unknown> | null;
}

/** Answers `RPC.zohoSession` with an access token minted by the fake's own accounts server. */
async function answerZohoSessions(nc: NatsConnection, topology: Topology, zoho: FakeZoho, organizationId: string): Promise<void> {
  const client = zoho.registerClient();
  const refreshToken = zoho.issueRefreshToken(client.clientId);
  const mint = async () => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken });
    const res = await fetch(`${zoho.accountsUrl}/oauth/v2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  let token = await mint();
  nc.subscribe(rpcSubject(topology, RPC.zohoSession), {
    callback: (_err, msg) => {
      const session: ZohoSessionReply = { accessToken: token, apiDomain: zoho.apiDomain, organizationId, expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
      msg.respond(JSON.stringify({ ok: true, data: session } satisfies RpcReply<ZohoSessionReply>));
    },
  });
  nc.subscribe(rpcSubject(topology, RPC.zohoInvalidate), {
    callback: (_err, msg) => {
      void mint().then((fresh) => {
        token = fresh;
        msg.respond(JSON.stringify({ ok: true, data: { invalidated: true } }));
      });
    },
  });
  await nc.flush();
}

function customer(id: number, changes: Partial<WooCustomer> = {}): WooCustomer {
  return { ...structuredClone(customerFixture), id, ...changes };
}

function billing(changes: Partial<WooBillingAddress>): WooBillingAddress {
  return { ...structuredClone(customerFixture.billing), ...changes };
}

describe('customer-sync against real JetStream, PostgreSQL and the fake Zoho Books', () => {
  let nats: PrivateNats;
  let db: TestDatabase;
  let topo: TestTopology;
  let zoho: FakeZoho;
  let orgId: string;
  let app: INestApplication;
  let connectionId: string;
  let rpc: NatsRpcClient;
  let env: NodeJS.ProcessEnv;
  const previousAllowPrivate = process.env.ALLOW_PRIVATE_ENDPOINTS;

  before(async () => {
    nats = await startPrivateNats();
    db = await createTestDatabase('customer_sync_test');
    topo = await createTestTopology(nats.url);
    // Zoho's 100 calls a minute would make the later tests wait for the shared rate budget.
    zoho = await FakeZoho.start({ limits: { perMinute: 6_000 } });
    orgId = zoho.createOrganization({ currencyCode: 'USD', currencies: ['CHF'] }).organization_id;
    await answerZohoSessions(topo.nc, topo.topology, zoho, orgId);
    const keys = testEncryptionKeys();
    const store = new ConnectionStore(db.dataSource, new SecretBox(KeyRing.parse(keys)));
    const connection = await store.create({
      name: 'Test store',
      storeUrl: 'https://shop.example.com',
      woo: { consumerKey: 'ck_x', consumerSecret: 'cs_x' },
      webhookSecret: 'secret',
      zohoAccountsUrl: zoho.accountsUrl,
      zoho: { clientId: 'c', clientSecret: 's', refreshToken: 'r' },
      zohoOrganizationId: orgId,
    });
    connectionId = connection.id;
    // ZohoClientFactory leaves the Books client's private-endpoint policy to the process
    // environment, not to the config passed below; the fake listens on loopback.
    process.env.ALLOW_PRIVATE_ENDPOINTS = 'true';
    env = {
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      NATS_STREAM: topo.topology.stream,
      NATS_SUBJECT_PREFIX: topo.topology.subjectPrefix,
      ENCRYPTION_KEYS: keys,
      ALLOW_PRIVATE_ENDPOINTS: 'true',
      LOG_LEVEL: 'silent',
      CONTACT_LOCK_WAIT_MS: '5000',
      // Numbers, not strings: `loadConfig` converts an environment string only for settings whose
      // class declares `: number`, which the inherited SyncServiceConfig ones did not at first.
      ...({ HTTP_PORT: 0, RETRY_INITIAL_MS: 50, RETRY_MAX_MS: 200, MAX_DELIVER: 5, ZOHO_RATE_LIMIT_PER_MINUTE: 6_000 } as unknown as NodeJS.ProcessEnv),
    };
    app = await startCustomerSync(env);
    rpc = new NatsRpcClient(topo.nc, topo.topology, 10_000);
  });

  after(async () => {
    await app?.close();
    await topo?.destroy();
    await db?.drop();
    await zoho?.stop();
    await nats?.stop();
    if (previousAllowPrivate === undefined) delete process.env.ALLOW_PRIVATE_ENDPOINTS;
    else process.env.ALLOW_PRIVATE_ENDPOINTS = previousAllowPrivate;
  });

  /** Publishes a delivery as the gateway does (raw body, headers, deterministic message id). */
  async function publish(event: 'created' | 'updated' | 'deleted', body: unknown, options: { msgId?: string } = {}) {
    const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const resourceId = (body as { id?: number })?.id ?? null;
    const modifiedGmt = (body as { date_modified_gmt?: string })?.date_modified_gmt ?? null;
    const topic = `customer.${event}`;
    const msgId = options.msgId ?? deliveryMessageId({ connectionId, topic, resourceId, modifiedGmt, rawBody: raw });
    const h = natsHeaders();
    h.set(HEADERS.connectionId, connectionId);
    h.set(HEADERS.topic, topic);
    if (resourceId !== null) h.set(HEADERS.resourceId, String(resourceId));
    if (modifiedGmt) h.set(HEADERS.modifiedGmt, modifiedGmt);
    h.set(HEADERS.correlationId, `test-${msgId}`);
    h.set(HEADERS.msgId, msgId);
    return jetstream(topo.nc).publish(subjects.delivery(topo.topology, connectionId, 'customer', event), raw, { msgID: msgId, headers: h });
  }

  /** The final audit entry of a stream message (retries leave `retrying` entries before it). */
  function settled(seq: number): Promise<AuditRow> {
    return eventually(async () => {
      const rows: AuditRow[] = await db.dataSource.query(
        `SELECT action, outcome, message, detail FROM audit_entries
          WHERE service = 'customer-sync' AND stream_seq = $1 AND outcome IN ('ok', 'skipped', 'failed') ORDER BY id DESC LIMIT 1`,
        [seq],
      );
      return rows[0];
    }, 15_000);
  }

  async function sync(event: 'created' | 'updated' | 'deleted', body: unknown): Promise<AuditRow> {
    const ack = await publish(event, body);
    return settled(ack.seq);
  }

  const contactsWithEmail = (email: string): ZohoContact[] =>
    zoho.contacts(orgId).filter((c) => c.contact_persons.some((p) => p.is_primary_contact && p.email.toLowerCase() === email));
  const contactById = (id: string): ZohoContact => zoho.contacts(orgId).find((c) => c.contact_id === id)!;

  async function linkOf(email: string): Promise<{ zoho_contact_id: string; woo_customer_id: string; modified_gmt: string | null } | undefined> {
    const rows = await db.dataSource.query(`SELECT zoho_contact_id, woo_customer_id, modified_gmt FROM contact_links WHERE connection_id = $1 AND email = $2`, [connectionId, email]);
    return rows[0];
  }

  function ensureContact(request: Partial<EnsureContactRequest> & Pick<EnsureContactRequest, 'email'>): Promise<EnsureContactReply> {
    return rpc.call<EnsureContactReply>(RPC.ensureContact, { connectionId, customerId: 0, billing: billing({ email: request.email }), ...request });
  }

  test('customer.created creates a contact with name, company, phone and both addresses', async () => {
    const created = customer(25, { billing: billing({ company: 'Doe & Co', phone: '(555) 555-5555' }) });
    const audit = await sync('created', created);
    assert.equal(audit.action, 'create-contact', audit.message);
    const [contact] = contactsWithEmail('john.doe@example.com');
    assert.ok(contact);
    assert.equal(contact.contact_name, 'John Doe');
    assert.equal(contact.company_name, 'Doe & Co');
    assert.equal(contact.customer_sub_type, 'business');
    assert.equal(contact.billing_address.address, '969 Market');
    assert.equal(contact.billing_address.city, 'San Francisco');
    assert.equal(contact.billing_address.zip, '94103');
    assert.equal(contact.billing_address.country, 'United States');
    assert.equal(contact.shipping_address.address, '969 Market');
    const primary = contact.contact_persons.find((p) => p.is_primary_contact)!;
    assert.deepEqual([primary.first_name, primary.last_name, primary.email, primary.phone], ['John', 'Doe', 'john.doe@example.com', '(555) 555-5555']);
    const link = await linkOf('john.doe@example.com');
    assert.equal(link?.zoho_contact_id, contact.contact_id);
    assert.equal(link?.woo_customer_id, '25');
    // The audit entry carries the Zoho exchange, never the token.
    const calls = audit.detail?.zohoCalls as Array<{ method: string; path: string; requestBody?: unknown }>;
    assert.ok(calls.some((call) => call.method === 'POST' && call.path === '/contacts'));
    assert.doesNotMatch(JSON.stringify(audit.detail), /oauthtoken|access_token|1000\.[0-9a-f]{32}/i);
  });

  test('customer.updated updates the contact and keeps the persons added in Zoho', async () => {
    const contactId = (await linkOf('john.doe@example.com'))!.zoho_contact_id;
    const accountant = await addPersonInZoho(contactId, { first_name: 'Accounts', last_name: 'Payable', email: 'ap@doe.example' });
    const updated = customer(25, {
      date_modified_gmt: '2017-04-01T08:00:00',
      billing: billing({ company: 'Doe & Co', phone: '(555) 000-1111', address_1: '1 New Street' }),
    });
    const audit = await sync('updated', updated);
    assert.equal(audit.action, 'update-contact', audit.message);
    const contact = contactById(contactId);
    assert.equal(contact.billing_address.address, '1 New Street');
    const primary = contact.contact_persons.find((p) => p.is_primary_contact)!;
    assert.equal(primary.email, 'john.doe@example.com');
    assert.equal(primary.phone, '(555) 000-1111');
    const kept = contact.contact_persons.find((p) => p.contact_person_id === accountant);
    assert.equal(kept?.email, 'ap@doe.example');
    assert.equal(kept?.is_primary_contact, false);
    assert.equal(contact.contact_persons.length, 2);
    assert.equal(contactsWithEmail('john.doe@example.com').length, 1);
  });

  test('a redelivered snapshot costs no Zoho call, and the same message id is stored once', async () => {
    const snapshot = customer(25, {
      date_modified_gmt: '2017-04-01T08:00:00',
      billing: billing({ company: 'Doe & Co', phone: '(555) 000-1111', address_1: '1 New Street' }),
    });
    const mark = zoho.mark();
    const again = await publish('updated', snapshot);
    assert.equal(again.duplicate, true, 'JetStream deduplicates the same delivery id');
    const redelivered = await publish('updated', snapshot, { msgId: `redelivery-${Date.now()}` });
    const audit = await settled(redelivered.seq);
    assert.equal(audit.outcome, 'skipped');
    assert.match(audit.message, /unchanged/);
    assert.equal(zoho.callsSince(mark).length, 0);
    assert.equal(contactsWithEmail('john.doe@example.com').length, 1);
  });

  test('a snapshot older than the one applied is skipped as stale', async () => {
    const mark = zoho.mark();
    const audit = await sync('updated', customer(25, { date_modified_gmt: '2017-03-25T00:00:00', last_name: 'Older' }));
    assert.equal(audit.outcome, 'skipped');
    assert.match(audit.message, /^stale snapshot/);
    assert.equal(zoho.callsSince(mark).length, 0);
    const contactId = (await linkOf('john.doe@example.com'))!.zoho_contact_id;
    assert.equal(contactById(contactId).contact_name, 'John Doe');
  });

  test('two different customers called John Smith get two contacts', async () => {
    const first = await sync('created', customer(31, { email: 'john.smith@example.com', first_name: 'John', last_name: 'Smith' }));
    const second = await sync('created', customer(32, { email: 'jsmith@other.example', first_name: 'John', last_name: 'Smith' }));
    assert.equal(first.action, 'create-contact', first.message);
    assert.equal(second.action, 'create-contact', second.message);
    const [a] = contactsWithEmail('john.smith@example.com');
    const [b] = contactsWithEmail('jsmith@other.example');
    assert.ok(a && b);
    assert.notEqual(a.contact_id, b.contact_id);
    assert.equal(a.contact_name, 'John Smith');
    assert.equal(b.contact_name, 'John Smith (jsmith@other.example)');
    // The second one keeps its distinct name on later updates (no new 3062 each time).
    const mark = zoho.mark();
    await sync('updated', customer(32, { email: 'jsmith@other.example', first_name: 'John', last_name: 'Smith', date_modified_gmt: '2018-01-01T00:00:00' }));
    assert.equal(zoho.callsSince(mark).filter((call) => call.status === 400).length, 0);
    assert.equal(contactById(b.contact_id).contact_name, 'John Smith (jsmith@other.example)');
  });

  test('the same email in another case and with spaces maps to the one contact', async () => {
    await sync('created', customer(40, { email: 'Mixed.Case@Example.COM', first_name: 'Mia', last_name: 'Case' }));
    const [contact] = contactsWithEmail('mixed.case@example.com');
    assert.ok(contact);
    const mark = zoho.mark();
    const reply = await ensureContact({ email: '  MIXED.case@example.com ' });
    assert.deepEqual(reply, { contactId: contact.contact_id, contactName: 'Mia Case', source: 'link', currencyCode: 'USD' });
    assert.equal(zoho.callsSince(mark).length, 0);
    assert.equal(contactsWithEmail('mixed.case@example.com').length, 1);
  });

  test('a contact made by hand in Zoho is found by email and linked, not duplicated', async () => {
    const existing = await createContactInZoho('Hand Made', 'hand@example.com');
    const audit = await sync('created', customer(41, { email: 'Hand@Example.com', first_name: 'Hanna', last_name: 'Made' }));
    assert.equal(audit.action, 'update-contact', audit.message);
    assert.equal((audit.detail as { matchedBy: string }).matchedBy, 'email');
    assert.equal((await linkOf('hand@example.com'))?.zoho_contact_id, existing);
    assert.equal(contactsWithEmail('hand@example.com').length, 1);
  });

  test('a lost create response is recovered by the email lookup on retry', async () => {
    zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/contacts' });
    const audit = await sync('created', customer(42, { email: 'lost@example.com', first_name: 'Lou', last_name: 'Lost' }));
    assert.equal(audit.outcome, 'ok', audit.message);
    assert.equal(contactsWithEmail('lost@example.com').length, 1);
    assert.equal((await linkOf('lost@example.com'))?.zoho_contact_id, contactsWithEmail('lost@example.com')[0]!.contact_id);
  });

  test('a Zoho outage is retried by the runner; a Zoho validation error dead-letters the event', async () => {
    zoho.faults.next(1, { status: 503, match: { method: 'GET', pathPrefix: '/contacts' } });
    const retried = await sync('created', customer(43, { email: 'flaky@example.com', first_name: 'Flo', last_name: 'Flaky' }));
    assert.equal(retried.outcome, 'ok', retried.message);
    assert.equal(contactsWithEmail('flaky@example.com').length, 1);

    zoho.faults.next(1, { status: 400, code: 2, message: 'Invalid value passed for billing_address', match: { method: 'POST', pathPrefix: '/contacts' } });
    const ack = await publish('created', customer(44, { email: 'invalid@example.com', first_name: 'Ina', last_name: 'Valid' }));
    const failed = await settled(ack.seq);
    assert.equal(failed.outcome, 'failed');
    const letter = await deadLetter(ack.seq);
    assert.match(letter.reason, /Invalid value passed for billing_address/);
    assert.equal(letter.deliveries, 1);
  });

  test('error bodies and customers without email are skipped with a reason; a non-customer is dead-lettered', async () => {
    const errorBody = await sync('updated', { code: 'woocommerce_rest_invalid_id', message: 'Invalid ID.', data: { status: 404 } });
    assert.equal(errorBody.outcome, 'skipped');
    assert.match(errorBody.message, /could not build the customer payload: Invalid ID\./);

    const noEmail = await sync('created', customer(45, { email: '', billing: billing({ email: '' }) }));
    assert.equal(noEmail.outcome, 'skipped');
    assert.match(noEmail.message, /no email address/);

    const ack = await publish('created', { id: 'forty-six', email: 'x@example.com' });
    const letter = await deadLetter(ack.seq);
    assert.match(letter.reason, /not a WooCommerce customer: id must be a positive integer/);
  });

  test('a changed email updates the same contact, adding the new address as primary person', async () => {
    await sync('created', customer(47, { email: 'old@example.com', first_name: 'Eve', last_name: 'Mover', date_modified_gmt: '2020-01-01T00:00:00' }));
    const contactId = (await linkOf('old@example.com'))!.zoho_contact_id;
    const audit = await sync('updated', customer(47, { email: 'new@example.com', first_name: 'Eve', last_name: 'Mover', date_modified_gmt: '2020-02-01T00:00:00' }));
    assert.equal((audit.detail as { matchedBy: string }).matchedBy, 'customer-link', audit.message);
    const contact = contactById(contactId);
    assert.equal(contact.contact_persons.find((p) => p.is_primary_contact)?.email, 'new@example.com');
    assert.ok(contact.contact_persons.some((p) => p.email === 'old@example.com'));
    assert.equal((await linkOf('new@example.com'))?.zoho_contact_id, contactId);
  });

  test('an email a customer moved away from, taken by a new customer, gets them a contact of their own; replays create nothing more', async () => {
    const events = [
      ['created', customer(101, { email: 'shared@example.com', first_name: 'Xavier', last_name: 'First', date_modified_gmt: '2024-01-01T00:00:00' })],
      ['updated', customer(101, { email: 'xavier@new.example', first_name: 'Xavier', last_name: 'First', date_modified_gmt: '2024-02-01T00:00:00' })],
      ['created', customer(202, { email: 'shared@example.com', first_name: 'Yolanda', last_name: 'Second', date_modified_gmt: '2024-03-01T00:00:00' })],
    ] as const;
    for (const [event, body] of events) await sync(event, body);
    const xavier = (await linkOf('xavier@new.example'))!.zoho_contact_id;
    const taken = await eventually(async () => (await db.dataSource.query(
      `SELECT message, detail FROM audit_entries WHERE service = 'customer-sync' AND resource_id = '202' AND outcome = 'ok'`,
    ))[0] as AuditRow | undefined, 5_000);
    assert.deepEqual((taken.detail as { releasedBy: unknown }).releasedBy, { customerId: 101, contactId: xavier }, taken.message);
    assert.equal(contactById(xavier).contact_name, 'Xavier First');
    assert.equal(contactById(xavier).contact_persons.find((p) => p.is_primary_contact)?.email, 'xavier@new.example');
    const [yolanda] = contactsWithEmail('shared@example.com');
    assert.equal(contactsWithEmail('shared@example.com').length, 1);
    assert.equal(yolanda!.contact_name, 'Yolanda Second');
    assert.notEqual(yolanda!.contact_id, xavier);

    const mark = zoho.mark();
    const forXavier = await ensureContact({ customerId: 101, email: 'xavier@new.example', currency: 'USD' });
    const forYolanda = await ensureContact({ customerId: 202, email: 'shared@example.com', currency: 'USD' });
    assert.deepEqual([forXavier.contactId, forXavier.contactName], [xavier, 'Xavier First']);
    assert.deepEqual([forYolanda.contactId, forYolanda.contactName], [yolanda!.contact_id, 'Yolanda Second']);

    // A replay, or a redelivery under a new message id, judges each snapshot against the links.
    const contactCount = zoho.contacts(orgId).length;
    for (const [index, [event, body]] of events.entries()) {
      const audit = await settled((await publish(event, body, { msgId: `email-reuse-replay-${index}` })).seq);
      assert.equal(audit.outcome, 'skipped', audit.message);
    }
    assert.deepEqual(zoho.callsSince(mark), []);
    assert.equal(zoho.contacts(orgId).length, contactCount);
  });

  test("an order of an email's new holder, before their customer event, gets them their own contact, which the event then updates", async () => {
    await sync('created', customer(111, { email: 'desk@example.com', first_name: 'Kim', last_name: 'Before', date_modified_gmt: '2024-01-01T00:00:00' }));
    await sync('updated', customer(111, { email: 'kim@example.com', first_name: 'Kim', last_name: 'Before', date_modified_gmt: '2024-02-01T00:00:00' }));
    const kim = (await linkOf('kim@example.com'))!.zoho_contact_id;
    const details = billing({ first_name: 'Lee', last_name: 'After', email: 'desk@example.com' });
    const preview = await ensureContact({ customerId: 212, email: 'desk@example.com', billing: details, currency: 'USD', dryRun: true });
    assert.deepEqual([preview.source, preview.wouldCreate], ['created', true]);
    const reply = await ensureContact({ customerId: 212, email: 'desk@example.com', billing: details, currency: 'USD' });
    assert.equal(reply.source, 'created');
    assert.notEqual(reply.contactId, kim);
    assert.equal(reply.contactName, 'Lee After');
    assert.deepEqual(await linkOf('desk@example.com'), { zoho_contact_id: reply.contactId, woo_customer_id: '212', modified_gmt: null });

    const audit = await sync('created', customer(212, { email: 'desk@example.com', first_name: 'Lee', last_name: 'After', date_modified_gmt: '2024-03-01T00:00:00' }));
    assert.deepEqual([audit.action, (audit.detail as { contactId: string }).contactId, (audit.detail as { matchedBy: string }).matchedBy], ['update-contact', reply.contactId, 'link']);
    assert.equal(contactById(kim).contact_name, 'Kim Before');
    assert.equal(contactsWithEmail('desk@example.com').length, 1);
  });

  test("a contact whose primary email was changed in Zoho no longer holds the old one; an outage while asking is retried", async () => {
    await sync('created', customer(121, { email: 'front@example.com', first_name: 'Fran', last_name: 'Front', date_modified_gmt: '2024-01-01T00:00:00' }));
    const fran = (await linkOf('front@example.com'))!.zoho_contact_id;
    const [person] = contactById(fran).contact_persons;
    await books('PUT', `/contacts/${fran}`, { contact_name: 'Fran Front', contact_persons: [{ contact_person_id: person!.contact_person_id, email: 'fran@example.com', is_primary_contact: true }] });
    zoho.faults.next(1, { status: 503, match: { method: 'GET', pathPrefix: `/contacts/${fran}` } });

    const audit = await sync('created', customer(221, { email: 'front@example.com', first_name: 'Gil', last_name: 'Next', date_modified_gmt: '2024-03-01T00:00:00' }));
    assert.equal(audit.action, 'create-contact', audit.message);
    const retries: Array<{ n: number }> = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_entries WHERE service = 'customer-sync' AND resource_id = '221' AND outcome = 'retrying'`,
    );
    assert.equal(retries[0]!.n, 1);
    assert.equal(contactById(fran).contact_name, 'Fran Front');
    assert.deepEqual(contactsWithEmail('front@example.com').map((c) => c.contact_name), ['Gil Next']);
  });

  test('an email with no sign its customer moved (their account deleted, then registered again) and a guest who registers keep their contact', async () => {
    await sync('created', customer(131, { email: 'again@example.com', first_name: 'Ada', last_name: 'Again', date_modified_gmt: '2024-01-01T00:00:00' }));
    const ada = (await linkOf('again@example.com'))!.zoho_contact_id;
    const reregistered = await sync('created', customer(231, { email: 'again@example.com', first_name: 'Ada', last_name: 'Again', date_modified_gmt: '2024-05-01T00:00:00' }));
    assert.deepEqual([reregistered.action, (reregistered.detail as { contactId: string }).contactId], ['update-contact', ada], reregistered.message);
    assert.equal((await linkOf('again@example.com'))?.woo_customer_id, '231');

    const guest = await ensureContact({ email: 'walkup@example.com', billing: billing({ first_name: 'Gwen', last_name: 'Guest', email: 'walkup@example.com' }) });
    const registered = await sync('created', customer(132, { email: 'walkup@example.com', first_name: 'Gwen', last_name: 'Guest' }));
    assert.deepEqual([(registered.detail as { contactId: string }).contactId, (registered.detail as { matchedBy: string }).matchedBy], [guest.contactId, 'link']);
    assert.equal(contactsWithEmail('walkup@example.com').length, 1);
    assert.equal(contactsWithEmail('again@example.com').length, 1);
  });

  test("an order under a customer's earlier email is answered with the contact's current name", async () => {
    await sync('created', customer(141, { email: 'ann.old@example.com', first_name: 'Ann', last_name: 'Maiden', date_modified_gmt: '2024-01-01T00:00:00' }));
    await sync('updated', customer(141, { email: 'ann.new@example.com', first_name: 'Ann', last_name: 'Married', date_modified_gmt: '2024-02-01T00:00:00' }));
    const reply = await ensureContact({ email: 'ann.old@example.com' });
    assert.deepEqual([reply.contactId, reply.contactName, reply.source], [(await linkOf('ann.new@example.com'))!.zoho_contact_id, 'Ann Married', 'link']);
  });

  test('a guest order gets a contact from its billing details; asking again costs no Zoho call', async () => {
    const details = billing({ first_name: 'Gus', last_name: 'Guest', email: 'Gus@Guest.example', company: '', address_1: '7 Side Road', city: 'Leeds', postcode: 'LS1', country: 'GB', phone: '+44 113' });
    const first = await ensureContact({ email: details.email, billing: details, currency: 'USD', correlationId: 'order-9001' });
    assert.equal(first.source, 'created');
    const contact = contactById(first.contactId);
    assert.equal(contact.contact_name, 'Gus Guest');
    assert.equal(contact.billing_address.address, '7 Side Road');
    assert.equal(contact.billing_address.country, 'United Kingdom');
    assert.equal(contact.contact_persons[0]?.email, 'gus@guest.example');

    const mark = zoho.mark();
    const again = await ensureContact({ email: 'gus@guest.example', billing: details, currency: 'USD' });
    assert.deepEqual(again, { ...first, source: 'link' });
    assert.equal(zoho.callsSince(mark).length, 0);
  });

  test('concurrent ensure-contact calls for one new email, across two instances, create exactly one contact', async () => {
    // A second instance joins the RPC queue group, so the calls are shared out between processes
    // that only the PostgreSQL advisory lock keeps apart.
    const second = await startCustomerSync(env);
    try {
      const email = 'rush@example.com';
      const details = billing({ first_name: 'Rush', last_name: 'Hour', email });
      const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => ensureContact({ email: i % 2 ? email.toUpperCase() : email, billing: details })));
      assert.equal(new Set(replies.map((r) => r.contactId)).size, 1);
      assert.equal(replies.filter((r) => r.source === 'created').length, 1);
      assert.equal(contactsWithEmail(email).length, 1);
    } finally {
      await second.close();
    }
  });

  test('a registered customer\'s order uses their contact even with another billing email', async () => {
    const contactId = (await linkOf('john.doe@example.com'))!.zoho_contact_id;
    const mark = zoho.mark();
    const reply = await ensureContact({ customerId: 25, email: 'john.work@example.com' });
    assert.deepEqual(reply, { contactId, contactName: 'John Doe', source: 'link', currencyCode: 'USD' });
    assert.equal(zoho.callsSince(mark).length, 0);
  });

  test('ensure-contact refuses a currency the organization lacks', async () => {
    await assert.rejects(ensureContact({ email: 'euro@example.com', currency: 'EUR' }), /no currency EUR/);
    assert.equal(contactsWithEmail('euro@example.com').length, 0);
  });

  test('orders without an email go to one walk-in contact per currency, made once (concurrently too), then linked at no call', async () => {
    const counter = (name: string) => billing({ first_name: name, last_name: 'Counter', email: '' });
    // A replay's dry run names the contact it would make, and makes nothing.
    const writes = zoho.mark();
    const preview = await ensureContact({ email: '', billing: counter('Dry'), currency: 'USD', dryRun: true });
    assert.deepEqual(preview, { contactId: '', contactName: 'Walk-in customer', source: 'created', wouldCreate: true });
    assert.deepEqual(zoho.callsSince(writes).filter((call) => call.method !== 'GET'), []);
    const second = await startCustomerSync(env);
    let first: EnsureContactReply;
    try {
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => ensureContact({ email: '', billing: counter(`Walk${i}`), currency: 'USD' })));
      assert.equal(new Set(replies.map((r) => r.contactId)).size, 1);
      assert.equal(replies.filter((r) => r.source === 'created').length, 1);
      first = replies.find((r) => r.source === 'created')!;
    } finally {
      await second.close();
    }
    const contact = contactById(first.contactId);
    assert.deepEqual([contact.contact_name, contact.contact_type, contact.currency_code], ['Walk-in customer', 'customer', 'USD']);
    assert.equal(zoho.contacts(orgId).filter((c) => c.contact_name.startsWith('Walk-in customer')).length, 1);
    let mark = zoho.mark();
    assert.deepEqual(await ensureContact({ email: '  ', billing: counter('Later'), currency: 'USD' }), { ...first, source: 'link' });
    assert.equal(zoho.callsSince(mark).length, 0);
    assert.deepEqual(await ensureContact({ email: '', billing: counter('Dry'), currency: 'USD', dryRun: true }), { contactId: first.contactId, contactName: 'Walk-in customer', source: 'link', currencyCode: 'USD' });

    // Another currency: a contact of its own, named after it.
    const chf = await ensureContact({ email: '', billing: counter('Franc'), currency: 'CHF' });
    assert.deepEqual([contactById(chf.contactId).contact_name, chf.currencyCode, chf.source], ['Walk-in customer (CHF)', 'CHF', 'created']);

    // A registered customer's order without a billing email still uses the customer's own contact.
    const johns = (await linkOf('john.doe@example.com'))!.zoho_contact_id;
    assert.equal((await ensureContact({ customerId: 25, email: '', billing: counter('John') })).contactId, johns);

    const audit: AuditRow[] = await db.dataSource.query(`SELECT action, outcome, message, detail FROM audit_entries WHERE service = 'customer-sync' AND action = 'create-contact' AND message LIKE 'a guest without an email%'`);
    assert.ok(audit.some((row) => /→ Zoho contact "Walk-in customer" .*the walk-in contact, not in Zoho yet; created/.test(row.message)), JSON.stringify(audit));

    // The owner renames the setting: a contact of that name she made herself is found and linked, not duplicated.
    const setting = (json: string) => db.dataSource.query(`UPDATE connections SET settings = settings || $2::jsonb WHERE id = $1`, [connectionId, json]);
    const own = (await books('POST', '/contacts', { contact_name: 'Laufkunde', contact_type: 'customer' })).contact as ZohoContact;
    await setting('{"walkInContactName": "Laufkunde"}');
    const renamed = await ensureContact({ email: '', billing: counter('Anna'), currency: 'USD' });
    assert.deepEqual([renamed.contactId, renamed.contactName, renamed.source], [own.contact_id, 'Laufkunde', 'email']);

    // A name held by a vendor cannot take invoices: refused with what to do.
    await books('POST', '/contacts', { contact_name: 'Kasse', contact_type: 'vendor' });
    await setting('{"walkInContactName": "Kasse"}');
    await assert.rejects(ensureContact({ email: '', billing: counter('Bea'), currency: 'USD' }), /walk-in contact "Kasse", but that name belongs to a vendor in Zoho; rename it, or change settings\.walkInContactName/);

    // ordersWithoutEmail: fail refuses them with the reason, creating nothing.
    await setting('{"ordersWithoutEmail": "fail", "walkInContactName": "Nobody"}');
    mark = zoho.mark();
    await assert.rejects(ensureContact({ email: '', billing: counter('Carl'), currency: 'USD' }), /no billing email.*settings\.ordersWithoutEmail is fail/);
    assert.deepEqual(zoho.callsSince(mark), []);
    await db.dataSource.query(`UPDATE connections SET settings = settings - 'ordersWithoutEmail' - 'walkInContactName' WHERE id = $1`, [connectionId]);
  });

  test('an order in another currency moves a contact without transactions to it, once; a stale link to a deleted contact is matched afresh', async () => {
    await sync('created', customer(60, { email: 'franz@example.com', first_name: 'Franz', last_name: 'Franken' }));
    const [signedUp] = contactsWithEmail('franz@example.com');
    assert.equal(signedUp.currency_code, 'USD', 'made at sign-up, in the base currency');
    const moved = await ensureContact({ customerId: 60, email: 'franz@example.com', currency: 'CHF' });
    assert.deepEqual([moved.contactId, moved.currencyCode], [signedUp.contact_id, 'CHF']);
    assert.equal(contactById(signedUp.contact_id).currency_code, 'CHF');
    const mark = zoho.mark();
    assert.equal((await ensureContact({ customerId: 60, email: 'franz@example.com', currency: 'CHF' })).currencyCode, 'CHF');
    assert.equal(zoho.callsSince(mark).length, 0, 'the link knows the currency now');

    // Deleted by hand in Zoho while the link still names it (and no currency): found afresh by email, then made anew.
    await db.dataSource.query(`UPDATE contact_links SET currency_code = NULL WHERE connection_id = $1 AND email = $2`, [connectionId, 'franz@example.com']);
    await books('DELETE', `/contacts/${signedUp.contact_id}`, undefined);
    const fresh = await ensureContact({ customerId: 60, email: 'franz@example.com', currency: 'CHF' });
    assert.notEqual(fresh.contactId, signedUp.contact_id);
    assert.deepEqual([fresh.source, fresh.currencyCode], ['created', 'CHF']);
  });

  test("a contact with transactions in another currency is not moved: the order is refused until the customer has a contact in the order's currency", async () => {
    await sync('created', customer(70, { email: 'hanna@example.com', first_name: 'Hanna', last_name: 'Handel' }));
    const [usd] = contactsWithEmail('hanna@example.com');
    const item = (await books('POST', '/items', { name: 'Currency test item', rate: 5 })).item as { item_id: string };
    await books('POST', '/invoices', { customer_id: usd.contact_id, line_items: [{ item_id: item.item_id, quantity: 1, rate: 5 }] });
    await assert.rejects(
      ensureContact({ customerId: 70, email: 'hanna@example.com', currency: 'CHF' }),
      /is in USD and already has transactions.*add a CHF contact with the customer's email in Zoho, then retry the order/,
    );
    assert.equal(contactById(usd.contact_id).currency_code, 'USD');
    const chfId = ((await books('GET', '/settings/currencies', undefined)).currencies as Array<{ currency_id: string; currency_code: string }>).find((c) => c.currency_code === 'CHF')!.currency_id;
    const chf = (await books('POST', '/contacts', { contact_name: 'Hanna Handel (CHF)', currency_id: chfId, contact_persons: [{ first_name: 'Hanna', email: 'hanna@example.com', is_primary_contact: true }] })).contact as { contact_id: string };
    const reply = await ensureContact({ customerId: 70, email: 'hanna@example.com', currency: 'CHF' });
    assert.deepEqual([reply.contactId, reply.currencyCode], [chf.contact_id, 'CHF']);
    assert.equal((await ensureContact({ customerId: 70, email: 'hanna@example.com' })).contactId, chf.contact_id, 'the link follows the contact last used');
  });

  test('a contact deleted in Zoho that a document was refused for is forgotten, and the customer gets a contact anew', async () => {
    await sync('created', customer(80, { email: 'greta@example.com', first_name: 'Greta', last_name: 'Gone' }));
    const [signedUp] = contactsWithEmail('greta@example.com');
    zoho.deleteContact(orgId, signedUp.contact_id);
    const mark = zoho.mark();
    const details = billing({ first_name: 'Greta', last_name: 'Gone', email: 'greta@example.com', address_1: '3 New Lane' });
    const reply = await ensureContact({ customerId: 80, email: 'greta@example.com', billing: details, refusedContactId: signedUp.contact_id, correlationId: 'refused-greta' });
    assert.deepEqual(reply.refused, { contactId: signedUp.contact_id, state: 'gone' });
    assert.equal(reply.source, 'created');
    assert.notEqual(reply.contactId, signedUp.contact_id);
    const [made] = contactsWithEmail('greta@example.com');
    assert.deepEqual([made.contact_id, made.contact_name, made.billing_address.address, contactsWithEmail('greta@example.com').length], [reply.contactId, 'Greta Gone', '3 New Lane', 1]);
    assert.equal((await linkOf('greta@example.com'))?.zoho_contact_id, reply.contactId);
    const calls = zoho.callsSince(mark).map((call) => `${call.method} ${call.resourcePath} ${call.status}`);
    assert.deepEqual(calls, [`GET /contacts/${signedUp.contact_id} 404`, 'GET /contacts 200', 'POST /contacts 201']);

    const [audit]: AuditRow[] = await db.dataSource.query(`SELECT action, outcome, message, detail FROM audit_entries WHERE service = 'customer-sync' AND correlation_id = 'refused-greta'`);
    assert.equal(audit.action, 'create-contact');
    assert.match(audit.message, new RegExp(`: the contact ${signedUp.contact_id} a document was refused for no longer exists in Zoho \\(deleted there\\); not in Zoho yet; created`));
    assert.deepEqual(audit.detail?.refused, { contactId: signedUp.contact_id, state: 'gone' });
    assert.deepEqual((audit.detail?.zohoCalls as Array<{ method: string; path: string }>).map((call) => `${call.method} ${call.path}`), [`GET /contacts/${signedUp.contact_id}`, 'GET /contacts', 'POST /contacts']);

    const again = zoho.mark();
    const linked = await ensureContact({ customerId: 80, email: 'greta@example.com' });
    assert.deepEqual([linked.contactId, linked.source, linked.refused], [reply.contactId, 'link', undefined]);
    assert.equal(zoho.callsSince(again).length, 0);
  });

  test("after a refused contact turns out deleted, the customer's other contact with the email is found and linked, nothing made", async () => {
    await sync('created', customer(81, { email: 'otto@example.com', first_name: 'Otto', last_name: 'Other' }));
    const [signedUp] = contactsWithEmail('otto@example.com');
    const remade = await createContactInZoho('Otto Other (remade)', 'otto@example.com');
    zoho.deleteContact(orgId, signedUp.contact_id);
    const mark = zoho.mark();
    const reply = await ensureContact({ customerId: 81, email: 'otto@example.com', refusedContactId: signedUp.contact_id });
    assert.deepEqual([reply.contactId, reply.source, reply.refused], [remade, 'email', { contactId: signedUp.contact_id, state: 'gone' }]);
    assert.equal((await linkOf('otto@example.com'))?.zoho_contact_id, remade);
    assert.deepEqual(zoho.callsSince(mark).filter((call) => call.method !== 'GET'), []);
    assert.equal(contactsWithEmail('otto@example.com').length, 1);

    // Named again while the link is another contact's: only the named one is asked for, the link stays.
    const named = zoho.mark();
    const relinked = await ensureContact({ customerId: 81, email: 'otto@example.com', refusedContactId: signedUp.contact_id });
    assert.deepEqual([relinked.contactId, relinked.source, relinked.refused], [remade, 'link', { contactId: signedUp.contact_id, state: 'gone' }]);
    assert.deepEqual(zoho.callsSince(named).map((call) => `${call.method} ${call.resourcePath}`), [`GET /contacts/${signedUp.contact_id}`]);
  });

  test('a refused contact that still exists (active or inactive) keeps its link and comes back', async () => {
    await sync('created', customer(82, { email: 'stella@example.com', first_name: 'Stella', last_name: 'Still' }));
    const contactId = (await linkOf('stella@example.com'))!.zoho_contact_id;
    const mark = zoho.mark();
    const active = await ensureContact({ customerId: 82, email: 'stella@example.com', refusedContactId: contactId, correlationId: 'refused-stella' });
    assert.deepEqual([active.contactId, active.source, active.refused], [contactId, 'link', { contactId, state: 'active' }]);
    assert.deepEqual(zoho.callsSince(mark).map((call) => `${call.method} ${call.resourcePath}`), [`GET /contacts/${contactId}`]);
    const [audit]: AuditRow[] = await db.dataSource.query(`SELECT action, outcome, message, detail FROM audit_entries WHERE service = 'customer-sync' AND correlation_id = 'refused-stella'`);
    assert.match(audit.message, new RegExp(`: the contact ${contactId} a document was refused for still exists in Zoho \\(active\\); the customer's stored link$`));
    assert.deepEqual(audit.detail?.refused, { contactId, state: 'active' });

    await books('POST', `/contacts/${contactId}/inactive`, undefined);
    const inactive = await ensureContact({ customerId: 82, email: 'stella@example.com', refusedContactId: contactId });
    assert.deepEqual([inactive.contactId, inactive.refused], [contactId, { contactId, state: 'inactive' }]);
    assert.equal((await linkOf('stella@example.com'))?.zoho_contact_id, contactId);
    assert.equal(contactsWithEmail('stella@example.com').length, 1);
  });

  test('a dry run ignores refusedContactId: it asks Zoho nothing', async () => {
    const contactId = (await linkOf('stella@example.com'))!.zoho_contact_id;
    const mark = zoho.mark();
    const preview = await ensureContact({ customerId: 82, email: 'stella@example.com', refusedContactId: contactId, dryRun: true });
    assert.deepEqual([preview.contactId, preview.source, preview.refused], [contactId, 'link', undefined]);
    assert.deepEqual(zoho.callsSince(mark), []);
  });

  test('a walk-in contact deleted in Zoho that a document was refused for is made again and linked under its key', async () => {
    const counter = billing({ first_name: 'Rita', last_name: 'Refused', email: '' });
    const before = await ensureContact({ email: '', billing: counter, currency: 'USD' });
    assert.equal(contactById(before.contactId).contact_name, 'Walk-in customer');
    zoho.deleteContact(orgId, before.contactId);
    const reply = await ensureContact({ email: '', billing: counter, currency: 'USD', refusedContactId: before.contactId });
    assert.deepEqual([reply.contactName, reply.source, reply.refused], ['Walk-in customer', 'created', { contactId: before.contactId, state: 'gone' }]);
    assert.notEqual(reply.contactId, before.contactId);
    assert.equal(zoho.contacts(orgId).filter((c) => c.contact_name === 'Walk-in customer').length, 1);
    assert.equal((await linkOf('walk-in:USD'))?.zoho_contact_id, reply.contactId);
    const mark = zoho.mark();
    assert.deepEqual(await ensureContact({ email: '', billing: counter, currency: 'USD' }), { contactId: reply.contactId, contactName: 'Walk-in customer', source: 'link', currencyCode: 'USD' });
    assert.equal(zoho.callsSince(mark).length, 0);
  });

  async function deadLetter(seq: number): Promise<{ reason: string; deliveries: number }> {
    return eventually(async () => {
      const rows = await db.dataSource.query(`SELECT reason, deliveries FROM dead_letters WHERE consumer = 'customer-sync' AND stream_seq = $1`, [seq]);
      return rows[0];
    }, 15_000);
  }

  /** A person added to the contact by hand in Zoho (POST /contacts/contactpersons). */
  async function addPersonInZoho(contactId: string, person: Record<string, string>): Promise<string> {
    const body = await books('POST', '/contacts/contactpersons', { contact_id: contactId, ...person });
    return (body.contact_person as Array<{ contact_person_id: string }>)[0]!.contact_person_id;
  }

  async function createContactInZoho(name: string, email: string): Promise<string> {
    const body = await books('POST', '/contacts', { contact_name: name, contact_persons: [{ first_name: name, email, is_primary_contact: true }] });
    return (body.contact as { contact_id: string }).contact_id;
  }

  /** A Books call made outside the service, as a person in Zoho's UI would. */
  async function books(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const session = await rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId });
    const res = await fetch(`${zoho.apiDomain}/books/v3${path}?organization_id=${orgId}`, {
      method,
      headers: { authorization: `Zoho-oauthtoken ${session.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    assert.ok(res.ok, `${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  }
});
