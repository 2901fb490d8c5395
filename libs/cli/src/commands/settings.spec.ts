import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeAdminApi } from '../test-support/fake-admin-api';
import { ACME } from '../test-support/fixtures';

describe('settings', () => {
  const { api, cli } = FakeAdminApi.forSuite();

  it("shows a connection's settings, with the defaults said as such, without changing anything", async () => {
    api.requests.length = 0;
    const run = await cli(['settings', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Invoice status: +draft$/m);
    assert.match(run.stdout, /^Order statuses: +processing, completed, on-hold$/m);
    assert.match(run.stdout, /^Payments since: +not booked$/m);
    assert.match(run.stdout, /^Refunds since: +\(default\)$/m);
    assert.match(run.stdout, /^Alerts to: +hooks\.slack\.com$/m);
    assert.match(run.stdout, /^Orders without email: +walk-in \("Walk-in customer"\)$/m);
    assert.deepEqual(api.calls(), [`GET /api/connections/${ACME}`]);
  });

  it('changes only the settings given; none removes one', async () => {
    api.requests.length = 0;
    const run = await cli(['settings', ACME, '--invoice-status', 'sent', '--payments-since', '2026-12-01T00:00:00', '--sync-statuses', 'processing, completed', '--daily-limit', 'none']);
    assert.equal(run.code, 0, run.stderr);
    const [request] = api.requests;
    assert.equal(`${request.method} ${request.path}`, `PATCH /api/connections/${ACME}/settings`);
    assert.deepEqual(request.body, { invoiceStatus: 'sent', paymentsSince: '2026-12-01T00:00:00', syncStatuses: ['processing', 'completed'], zohoDailyLimit: null });
    assert.match(run.stdout, /^Invoice status: +sent$/m);
    assert.match(run.stdout, /^Payments since: +2026-12-01T00:00:00$/m);
    assert.match(run.stdout, /^Zoho daily limit: +\(default\)$/m);
    assert.match(run.stdout, /^Store time zone: +Europe\/Berlin$/m, 'the rest stays');
  });

  it('orders without an email: failed, or booked to a walk-in contact of the name given', async () => {
    api.requests.length = 0;
    const failing = await cli(['settings', ACME, '--orders-without-email', 'fail']);
    assert.equal(failing.code, 0, failing.stderr);
    assert.deepEqual(api.requests[0]?.body, { ordersWithoutEmail: 'fail' });
    assert.match(failing.stdout, /^Orders without email: +fail$/m);
    const named = await cli(['settings', ACME, '--orders-without-email', 'none', '--walk-in-contact', 'Laufkunde']);
    assert.deepEqual(api.requests[1]?.body, { ordersWithoutEmail: null, walkInContactName: 'Laufkunde' });
    assert.match(named.stdout, /^Orders without email: +walk-in \("Laufkunde"\)$/m);
  });

  it("--json prints the settings; the server's refusal is printed and exits 1", async () => {
    const json = await cli(['settings', ACME, '--json']);
    assert.equal(JSON.parse(json.stdout).storeTimeZone, 'Europe/Berlin');
    const refused = await cli(['settings', ACME, '--invoice-status', 'paid']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /settings\.invoiceStatus must be draft or sent/);
  });

  it('a count that is not one is a usage error, never sent (it would read as a removal)', async () => {
    api.requests.length = 0;
    const run = await cli(['settings', ACME, '--daily-limit', 'lots']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--daily-limit must be a whole number or none/);
    assert.deepEqual(api.requests, []);
  });

  it('the alert webhook URL, a credential, can come from stdin and is not printed back', async () => {
    api.requests.length = 0;
    const url = 'https://hooks.slack.com/services/T000/B000/secretpart0123';
    const run = await cli(['settings', ACME, '--alert-webhook-url-file', '-'], { stdin: `${url}\n` });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests[0]?.body, { alertWebhookUrl: url });
    assert.match(run.stdout, /^Alerts to: +hooks\.slack\.com$/m);
    assert.ok(!run.stdout.includes('secretpart') && !run.stderr.includes('secretpart'));
    const both = await cli(['settings', ACME, '--alert-webhook-url', 'none', '--alert-webhook-url-file', '-'], { stdin: url });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give --alert-webhook-url or --alert-webhook-url-file, not both/);
  });
});
