import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { field, markInvalid } from '../forms.js';
import { busy, button, deliveryCheckNotice, errorNotice, notice, pageHeader, toast } from '../ui.js';
import { pingSentence, pingSummary } from './health.js';

const ZOHO_ACCOUNTS = [
  ['https://accounts.zoho.com', 'United States'],
  ['https://accounts.zoho.eu', 'Europe'],
  ['https://accounts.zoho.in', 'India'],
  ['https://accounts.zoho.com.au', 'Australia'],
  ['https://accounts.zoho.jp', 'Japan'],
  ['https://accounts.zohocloud.ca', 'Canada'],
  ['https://accounts.zoho.sa', 'Saudi Arabia'],
  ['https://accounts.zoho.com.cn', 'China'],
];

const input = (name, props = {}) => h('input', { name, autocomplete: 'off', spellcheck: 'false', ...props });

export function render(root, { app, signal }) {
  const outcome = h('div', { class: 'stack', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Create and check');
  const form = h(
    'form',
    { class: 'card form', novalidate: true, onsubmit: (event) => create(event) },
    h('fieldset', null,
      h('legend', null, 'Name'),
      field('Connection name', input('name', { required: true, maxlength: '200', placeholder: 'Acme store' }), 'Shown in this dashboard only.')),
    h('fieldset', null,
      h('legend', null, 'WooCommerce store'),
      field('Store URL', input('woocommerce.url', { type: 'url', required: true, placeholder: 'https://shop.example.com' })),
      h('div', { class: 'field-row' },
        field('Consumer key', input('woocommerce.consumerKey', { required: true, placeholder: 'ck_…' })),
        field('Consumer secret', input('woocommerce.consumerSecret', { type: 'password', required: true, placeholder: 'cs_…' }))),
      h('p', { class: 'hint' }, 'Create the keys in WooCommerce → Settings → Advanced → REST API, with Read/Write permission.')),
    h('fieldset', null,
      h('legend', null, 'Zoho Books'),
      field('Data centre (accounts server)', input('zoho.accountsUrl', { type: 'url', required: true, list: 'zoho-accounts', placeholder: 'https://accounts.zoho.eu' }), 'The accounts server of the region your Zoho account lives in.'),
      h('datalist', { id: 'zoho-accounts' }, ZOHO_ACCOUNTS.map(([url, region]) => h('option', { value: url }, region))),
      h('div', { class: 'field-row' },
        field('Client id', input('zoho.clientId', { required: true })),
        field('Client secret', input('zoho.clientSecret', { type: 'password', required: true }))),
      field('Refresh token', input('zoho.refreshToken', { type: 'password', required: true }), 'From the Zoho API console (self client), with the ZohoBooks.fullaccess.all scope.'),
      field('Organization id (optional)', input('zoho.organizationId', { inputmode: 'numeric', pattern: '\\d*' }), 'Leave empty when the Zoho account has one organization.')),
    h('details', { class: 'disclosure' },
      h('summary', null, 'Invoice settings (optional)'),
      h('div', { class: 'field-row' },
        field('Invoice numbers', h('select', { name: 'settings.invoiceNumber' }, h('option', { value: '' }, 'Default (Zoho numbers them)'), h('option', { value: 'zoho' }, 'Zoho numbers them'), h('option', { value: 'order-number' }, 'Use the order number'))),
        field('Invoice number prefix', input('settings.invoiceNumberPrefix', { maxlength: '20', placeholder: 'WC-' }))),
      field('New invoices', h('select', { name: 'settings.invoiceStatus' }, h('option', { value: '' }, 'Drafts (you send them in Zoho)'), h('option', { value: 'sent' }, 'Marked as sent (they count in the books at once)')), 'A draft posts nothing to the books. Nothing is emailed to customers either way.'),
      h('div', { class: 'field-row' },
        field('Store time zone', input('settings.storeTimeZone', { placeholder: 'Europe/Berlin' }), 'For invoice dates. Default: UTC.'),
        field('Order statuses to invoice', input('settings.syncStatuses', { placeholder: 'processing, completed, on-hold' }), 'Comma-separated. Default: processing, completed, on-hold.'))),
    h('details', { class: 'disclosure' },
      h('summary', null, 'Payments (optional)'),
      h('div', { class: 'field-row' },
        field('Book payments of orders paid from', input('settings.paymentsSince', { placeholder: '2026-12-01T00:00:00', pattern: '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}' }), 'UTC. Paid orders then get a Zoho payment and their invoice is paid. Empty: payments are not booked.'),
        field('Deposit account id', input('settings.paymentAccountId', { inputmode: 'numeric', pattern: '\\d*' }), 'The Zoho account payments go into and refunds leave. Empty: Zoho\'s default, and refunds are left to you.'))),
    h('div', { class: 'card-actions' }, submit, h('a', { class: 'button ghost', href: '#/connections' }, 'Cancel')),
  );

  root.append(
    pageHeader('Add a connection', { subtitle: 'Link a WooCommerce store to a Zoho Books organization. Both sides are checked right after saving.' }),
    outcome,
    form,
  );

  async function create(event) {
    event.preventDefault();
    const body = payload(new FormData(form));
    const missing = [...form.querySelectorAll('[required]')].filter((el) => !el.value.trim()).map((el) => el.name);
    if (missing.length) {
      const labels = missing.map((name) => form.querySelector(`label[for="${form.elements.namedItem(name).id}"]`)?.textContent ?? name);
      markInvalid(form, missing.join('; '));
      return replace(outcome, notice('bad', 'Some fields are empty.', `Fill in: ${labels.join(', ')}.`));
    }
    await busy(submit, async () => {
      replace(outcome);
      let connection;
      try {
        connection = await api('/api/connections', { method: 'POST', body, signal });
      } catch (error) {
        if (error.name === 'AbortError') return;
        if (error.status === 400) {
          const parts = markInvalid(form, error.message);
          return replace(outcome, notice('bad', 'The connection was not created.', parts.join('. ')));
        }
        return replace(outcome, errorNotice(error, 'The connection was not created'));
      }
      form.hidden = true;
      toast(`${connection.name} created.`);
      app.refreshConnections(signal).catch(() => undefined);
      replace(outcome, h('p', { class: 'loading', role: 'status' }, 'Connection created. Checking both sides…'));
      await check(connection);
    });
  }

  async function check(connection) {
    const base = `#/c/${encodeURIComponent(connection.id)}`;
    const next = h('div', { class: 'card-actions' },
      h('a', { class: 'button primary', href: '#/connections' }, 'Go to connections'),
      h('a', { class: 'button secondary', href: `${base}/orders` }, 'Orders'));
    try {
      const report = await api(`/api/connections/${seg(connection.id)}/ping`, { method: 'POST', signal, timeoutMs: 60_000 });
      const ok = report.woocommerce?.ok && report.zoho?.ok;
      replace(
        outcome,
        ok
          ? notice('ok', `${connection.name} is connected.`, 'Register the webhooks next, so new orders reach the connector as they happen.')
          : notice('bad', `${connection.name} was created, but the check found a problem.`, pingSentence(report), ' Fix the cause, then use “Check connection” on the connections page.'),
        h('section', { class: 'card', 'aria-label': 'Check results' }, h('h2', null, 'Check results'), pingSummary(report, connection), webhooksButton(connection)),
        next,
      );
    } catch (error) {
      if (error.name !== 'AbortError') replace(outcome, notice('warn', `${connection.name} was created.`), errorNotice(error, 'The check could not run'), next);
    }
  }

  function webhooksButton(connection) {
    const result = h('div', { 'aria-live': 'polite' });
    const register = button('Register webhooks', () =>
      busy(register, async () => {
        try {
          const reply = await api(`/api/connections/${seg(connection.id)}/webhooks`, { method: 'POST', signal, timeoutMs: 60_000 });
          replace(result, deliveryCheckNotice(reply.deliveryCheck) ?? notice('ok', 'Webhooks registered.', `${reply.webhooks?.length ?? 0} topics deliver to ${reply.deliveryUrl}.`));
        } catch (error) {
          if (error.name !== 'AbortError') replace(result, errorNotice(error, 'The webhooks could not be registered'));
        }
      }));
    return h('div', null, h('div', { class: 'card-actions' }, register), result);
  }
}

/** The form as the API's JSON: dotted names become nested objects; empty optional fields are left out. */
function payload(data) {
  const body = {};
  for (const [name, raw] of data.entries()) {
    const value = String(raw).trim();
    if (!value) continue;
    const path = name.split('.');
    let target = body;
    for (const key of path.slice(0, -1)) target = target[key] ??= {};
    const key = path.at(-1);
    target[key] = key === 'syncStatuses' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  }
  return body;
}
